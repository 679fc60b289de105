// The example cubes' container images (scripts/build-example-images.sh) behave exactly like the cube folders
// run with python3: same prepared bytes, predictions and metrics, and the stump fails at site C inside the
// container too. Runs podman directly with MedPerf's flags (no gitperf runner involved).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { examplesDir, logregWeights, params, readTree, runCube } from './cube-helpers.js';

const hasPodman =
  (await execa('podman', ['--version'], { reject: false }).catch(() => ({ exitCode: 1 }))).exitCode === 0;
const required = process.env.GITPERF_REQUIRE_CONTAINERS === '1';
if (required && !hasPodman) {
  throw new Error('GITPERF_REQUIRE_CONTAINERS=1 but podman is not installed');
}

const env = { CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? join(repoRoot, 'scripts', 'containers.conf') };
const uid = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;

/** `podman run` as MedPerf does: no network, host uid, inputs read-only, outputs read-write. */
async function podmanRun(
  cube: string,
  task: string,
  inputs: Record<string, string>,
  outputs: Record<string, string>,
) {
  const volumes: string[] = [];
  const args: string[] = [];
  let n = 0;
  for (const [name, host] of Object.entries(inputs)) {
    const isFile = name === 'parameters_file' || name === 'weights';
    const dir = isFile ? join(host, '..') : host;
    volumes.push('--volume', `${dir}:/mlcube_io${n}:ro`);
    args.push(`--${name}=/mlcube_io${n}${isFile ? `/${host.split('/').pop()}` : ''}`);
    n++;
  }
  for (const [name, host] of Object.entries(outputs)) {
    const isFile = host.endsWith('.yaml');
    const dir = isFile ? join(host, '..') : host;
    mkdirSync(dir, { recursive: true });
    volumes.push('--volume', `${dir}:/mlcube_io${n}:rw`);
    args.push(`--${name}=/mlcube_io${n}${isFile ? `/${host.split('/').pop()}` : ''}`);
    n++;
  }
  const r = await execa(
    'podman',
    ['run', '--rm', '--network', 'none', '-u', uid, ...volumes, `gitperf/bc-${cube}:0.1`, task, ...args],
    { env, reject: false, timeout: 60_000 },
  );
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe.skipIf(!hasPodman)('example cube images', () => {
  const work = mkdtempSync(join(tmpdir(), 'gitperf-examples-images-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  let buildOutput = '';

  beforeAll(async () => {
    const r = await execa(join(repoRoot, 'scripts', 'build-example-images.sh'), [], {
      env,
      timeout: 600_000,
    });
    buildOutput = String(r.stdout);
  }, 600_000);

  it('builds all five images and prints their ids and digests', () => {
    for (const c of ['prep', 'logreg', 'metrics', 'centroid', 'stump']) {
      expect(buildOutput).toMatch(
        new RegExp(
          `^localhost/gitperf/bc-${c}:0\\.1 id=sha256:[0-9a-f]{64} digest=sha256:[0-9a-f]{64}$`,
          'm',
        ),
      );
    }
  });

  it('gives the same bytes as the local python3 run at site C, stump failure included', async () => {
    const site = join(examplesDir, 'data', 'sites', 'c');
    const prepIn = {
      data_path: join(site, 'data'),
      labels_path: join(site, 'labels'),
      parameters_file: params('prep'),
    };
    const local = join(work, 'local');
    const box = join(work, 'container');
    for (const [dir, run] of [
      [
        local,
        (t: string, i: Record<string, string>, o: Record<string, string>, c: string) =>
          runCube(c, t, { ...i, ...o }),
      ],
      [
        box,
        (t: string, i: Record<string, string>, o: Record<string, string>, c: string) => podmanRun(c, t, i, o),
      ],
    ] as const) {
      const ds = { data_path: join(dir, 'data'), labels_path: join(dir, 'labels') };
      const prep = await run(
        'prepare',
        prepIn,
        { output_path: ds.data_path, output_labels_path: ds.labels_path },
        'prep',
      );
      expect(prep.exitCode, prep.stderr).toBe(0);
      const stats = await run(
        'statistics',
        { ...ds, parameters_file: params('prep') },
        { output_path: join(dir, 'statistics.yaml') },
        'prep',
      );
      expect(stats.exitCode, stats.stderr).toBe(0);
      const logreg = await run(
        'infer',
        { data_path: ds.data_path, parameters_file: params('logreg'), weights: logregWeights },
        { output_path: join(dir, 'pred-logreg') },
        'logreg',
      );
      expect(logreg.exitCode, logreg.stderr).toBe(0);
      const stump = await run(
        'infer',
        { data_path: ds.data_path, parameters_file: params('stump') },
        { output_path: join(dir, 'pred-stump') },
        'stump',
      );
      expect(stump.exitCode).toBe(1);
      expect(stump.stderr).toContain('bc-stump: infer failed');
      const ev = await run(
        'evaluate',
        { predictions: join(dir, 'pred-logreg'), labels: ds.labels_path, parameters_file: params('metrics') },
        { output_path: join(dir, 'results', 'results.yaml') },
        'metrics',
      );
      expect(ev.exitCode, ev.stderr).toBe(0);
    }
    const a = readTree(local);
    const b = readTree(box);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, v] of a) expect(b.get(k)?.equals(v), k).toBe(true);
    expect(readFileSync(join(box, 'results', 'results.yaml'), 'utf8')).toMatch(/^auc: 0\.99/m);
  });
});
