// The procedure commands as whole processes (cli/dist, built by `npm test`), on the real demo cubes with the
// local runner and a real registry in a temp folder. Generous per-test timeouts (CI machines are shared); no
// timing assertions.
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { folderHash } from '../../cli/src/workflows/folder-hash.js';
import { cliBin, repoRoot, runCli } from '../helpers/cli.js';
import { cubeFolder, makeTestRegistry, site, type TestRegistry } from './fixtures.js';

const exists = async (p: string) => Boolean(await stat(p).catch(() => undefined));

let reg: TestRegistry;
let env: Record<string, string>;
beforeAll(async () => {
  reg = await makeTestRegistry();
  env = { GITPERF_HOME: reg.home };
});
afterAll(async () => {
  await reg.cleanup();
});

describe('gitperf dataset hash', () => {
  it('prints the MedPerf folder hash, warns about a file (it adds nothing), refuses a missing path', async () => {
    const a = site('a');
    const want = await folderHash([a.data, a.labels]);
    const text = await runCli(['dataset', 'hash', a.data, a.labels, join(repoRoot, 'package.json')], { env });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout.trim()).toBe(want.hash);
    expect(text.stderr).toContain('hash.path-ignored');
    const missing = await runCli(['dataset', 'hash', join(reg.root, 'nope')], { env });
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain(`hash.path-missing ${join(reg.root, 'nope')} does not exist`);
    const json = await runCli(['dataset', 'hash', a.data, a.labels, '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ hash: want.hash, files: 2 });
  }, 240_000);
});

describe('gitperf dataset prepare / benchmark run / test run', () => {
  it('prepares site C, then runs the benchmark: the stump stops the run unless --ignore-model-errors', async () => {
    // Relative paths are relative to the current folder (here the repository), not to the cube's workspace.
    const prep = await runCli(
      ['dataset', 'prepare', '--preparator', 'ana/bc-prep']
        .concat(['--data', 'examples/data/sites/c/data', '--labels', 'examples/data/sites/c/labels'])
        .concat([
          '--name',
          'wdbc-c',
          '--owner',
          'hospital-c',
          '--registry',
          reg.root,
          '--runner',
          'local',
          '--json',
        ]),
      { env, cwd: repoRoot },
    );
    expect(prep.exitCode, prep.stderr).toBe(0);
    const prepared = JSON.parse(prep.stdout);
    expect(prepared.dataset.spec.preparator).toBe('ana/bc-prep');
    expect(prepared.dir).toBe(join(reg.home, 'datasets', 'wdbc-c'));
    // In text mode (the dataset is reused, nothing runs again) it says what to do next.
    const again = await runCli(
      ['dataset', 'prepare', '--preparator', 'ana/bc-prep']
        .concat(['--data', 'examples/data/sites/c/data', '--labels', 'examples/data/sites/c/labels'])
        .concat(['--name', 'wdbc-c', '--owner', 'hospital-c', '--registry', reg.root, '--runner', 'local']),
      { env, cwd: repoRoot },
    );
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^already prepared hospital-c\/wdbc-c in /m);
    expect(again.stdout).toMatch(/^next: `gitperf dataset register wdbc-c` as hospital-c /m);

    const base = ['benchmark', 'run', '--benchmark', 'bc-diagnosis', '--dataset', 'wdbc-c'].concat([
      '--registry',
      reg.registryDir,
      '--runner',
      'local',
    ]);
    const strict = await runCli([...base, '--json'], { env });
    expect(strict.exitCode).toBe(1);
    const s = JSON.parse(strict.stdout);
    expect(s.error.code).toBe('benchmark.model-failed');
    expect(s.runs.map((r: { model: string; status: string }) => `${r.model}:${r.status}`)).toEqual([
      'ana/bc-logreg:ok',
      'lee/bc-centroid:ok',
      'kim/bc-stump:failed',
    ]);

    const lenient = await runCli([...base, '--ignore-model-errors'], { env });
    expect(lenient.exitCode, lenient.stderr).toBe(0);
    expect(lenient.stdout).toMatch(/^cached\s+ana\/bc-logreg {2}auc=/m);
    expect(lenient.stdout).toMatch(/^partial\s+kim\/bc-stump {2}auc=NaN/m);
    expect(lenient.stderr).toContain('result.partial');
    // wdbc-c has no association in this registry: the run goes on, and says its results cannot be submitted yet.
    expect(lenient.stderr).toContain(
      'dataset.not-associated hospital-c/wdbc-c is not associated with bc-diagnosis',
    );
    const stumpFile = join(reg.home, 'results/bc-diagnosis/hospital-c/wdbc-c/kim.bc-stump.yaml');
    expect(
      parse(await import('node:fs/promises').then((f) => f.readFile(stumpFile, 'utf8'))).spec.partial,
    ).toBe(true);
  }, 240_000);

  it('benchmark run --out hands results over encrypted to the readers once the committee has a recipient', async () => {
    const run = (out: string) =>
      runCli(
        [
          'benchmark',
          'run',
          '--benchmark',
          'bc-diagnosis',
          '--dataset',
          'wdbc-c',
          '--model',
          'lee/bc-centroid',
        ].concat(['--registry', reg.registryDir, '--runner', 'local', '--out', join(reg.root, out)]),
        { env },
      );
    const handed = (out: string) =>
      join(reg.root, out, 'bc-diagnosis', 'hospital-c', 'wdbc-c', 'lee.bc-centroid.yaml');
    // No committee member has published an age recipient: in the clear, with a warning.
    const plain = await run('out-plain');
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('result.not-encrypted');
    expect(parse(await readFile(handed('out-plain'), 'utf8')).spec.metrics.auc).toBeGreaterThan(0.8);
    // ana (committee) publishes one: the per-model benchmark's result leaves encrypted to her.
    const identity = join(reg.root, 'ana.age');
    await execa('age-keygen', ['-o', identity]);
    const recipient = (await execa('age-keygen', ['-y', identity])).stdout.trim();
    await mkdir(join(reg.registryDir, 'users'), { recursive: true });
    await writeFile(
      join(reg.registryDir, 'users', 'ana.yaml'),
      stringify({
        apiVersion: 'gitperf/v1',
        kind: 'User',
        metadata: { name: 'ana' },
        spec: { ageRecipients: [recipient] },
      }),
    );
    const sealed = await run('out-sealed');
    expect(sealed.exitCode, sealed.stderr).toBe(0);
    expect(sealed.stderr).not.toContain('result.not-encrypted');
    const result = parse(await readFile(handed('out-sealed'), 'utf8'));
    expect(result.spec.metrics).toBeUndefined();
    expect(result.spec.encrypted.recipients).toEqual(['ana']);
    const opened = await execa('age', ['-d', '-i', identity], { input: result.spec.encrypted.ciphertext });
    expect(JSON.parse(opened.stdout).metrics.auc).toBeGreaterThan(0.8);
  }, 240_000);

  it('runs the compatibility test of a model on the demo data of a benchmark given as a folder', async () => {
    const r = await runCli(
      [
        'test',
        'run',
        '--benchmark',
        join(reg.registryDir, 'benchmarks/bc-diagnosis'),
        '--model',
        'lee/bc-centroid',
      ].concat(['--runner', 'local']),
      { env },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const record = parse(r.stdout.slice(r.stdout.indexOf('compatibilityTest:'))).compatibilityTest;
    expect(record.dataset.source).toBe('demo');
    expect(record.cubes.map((c: { ref: string }) => c.ref)).toEqual([
      'ana/bc-prep',
      'lee/bc-centroid',
      'ana/bc-metrics',
    ]);
    expect(record.metrics.auc).toBeGreaterThan(0.9);
  }, 240_000);

  it('tests cube folders on a demo tarball given by a path relative to the current folder', async () => {
    const r = await runCli(
      ['test', 'run', '--preparator', 'examples/cubes/prep', '--model', 'examples/cubes/stump']
        .concat(['--metrics', 'examples/cubes/metrics', '--demo-url', 'examples/data/demo/demo.tar.gz'])
        .concat(['--demo-hash', reg.demoSha256, '--runner', 'local', '--json']),
      { env, cwd: repoRoot },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.report.cubes.map((c: { ref: string }) => c.ref)).toEqual([
      'local/bc-prep',
      'local/bc-stump',
      'local/bc-metrics',
    ]);
    expect(out.report.dataset.source).toBe('demo');
  }, 240_000);

  it('reports bad input as a diagnostic, in JSON with --json, without a stack trace', async () => {
    const r = await runCli(
      [
        'dataset',
        'prepare',
        '--preparator',
        'ana/bc-prep',
        '--data',
        join(reg.root, 'missing'),
        '--labels',
        reg.root,
      ].concat([
        '--name',
        'x',
        '--owner',
        'hospital-a',
        '--registry',
        reg.root,
        '--runner',
        'local',
        '--json',
      ]),
      { env },
    );
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('dataset.input-missing');
    expect(r.stderr).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
  }, 240_000);

  it('rejects contradictory data sources as a usage error', async () => {
    const r = await runCli(['test', 'run', '--benchmark', 'bc-diagnosis', '--data', 'x', '--dataset', 'y'], {
      env,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--dataset=y cannot also be provided when using --data');
  }, 240_000);
});

describe('an interrupted gitperf dataset prepare', () => {
  it('leaves no dataset marked ready when killed mid-way, and the next run prepares cleanly', async () => {
    // The demo preparator, slowed down in its statistics task so the process can be killed while it runs.
    const slow = join(reg.root, 'slow-prep');
    await cp(cubeFolder('prep'), slow, { recursive: true });
    await writeFile(
      join(slow, 'project', 'slow.py'),
      [
        'import runpy, sys, time',
        "if len(sys.argv) > 1 and sys.argv[1] == 'statistics':",
        '    time.sleep(5)',
        "sys.argv[0] = 'project/mlcube.py'",
        "runpy.run_path('project/mlcube.py', run_name='__main__')",
        '',
      ].join('\n'),
    );
    const manifest = join(slow, 'mlcube.yaml');
    await writeFile(
      manifest,
      (await readFile(manifest, 'utf8')).replace('project/mlcube.py', 'project/slow.py'),
    );
    const b = site('b');
    const args = ['dataset', 'prepare', '--preparator', slow, '--data', b.data, '--labels', b.labels].concat([
      '--name',
      'wdbc-k',
      '--owner',
      'hospital-b',
      '--runner',
      'local',
    ]);
    // A home of its own, so the only logs and staging folders are this run's.
    const home = join(reg.root, 'home-kill');
    const env = { GITPERF_HOME: home };
    const proc = execa('node', [cliBin, ...args], { env: { ...env, NO_COLOR: '1' }, reject: false });
    const logs = join(home, 'logs');
    let ended = false;
    void proc.then(() => {
      ended = true;
    });
    // Wait until the statistics task has started (its log exists), i.e. prepare and sanity_check are done.
    for (let i = 0; i < 2400 && !ended; i++) {
      const started = (await readdir(logs).catch(() => [] as string[])).some((f) =>
        f.includes('statistics-'),
      );
      if (started) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    const killed = await proc;
    expect(killed.signal, `${killed.exitCode} ${killed.stderr}`).toBe('SIGKILL');
    expect(await exists(join(home, 'datasets', 'wdbc-k'))).toBe(false);
    // What was left is a staging folder, without the marker.
    const staging = join(home, 'datasets', '.staging');
    const left = await readdir(staging);
    expect(left.filter((f) => f.startsWith('wdbc-k.staging-'))).toHaveLength(1);
    expect(await exists(join(staging, left[0], 'data'))).toBe(true);
    expect(await exists(join(staging, left[0], '.ready'))).toBe(false);
    // A benchmark cannot use it.
    const run = await runCli(
      ['benchmark', 'run', '--benchmark', 'bc-diagnosis', '--dataset', 'wdbc-k'].concat([
        '--registry',
        reg.registryDir,
        '--runner',
        'local',
      ]),
      { env },
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('dataset.not-prepared');

    // Started over (with the preparator at full speed): a clean dataset, the left-over staging folder gone.
    const again = await runCli([...args.map((a) => (a === slow ? cubeFolder('prep') : a)), '--json'], {
      env,
    });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).reused).toBe(false);
    expect(await exists(join(home, 'datasets', 'wdbc-k', '.ready'))).toBe(true);
    expect((await readdir(staging)).filter((f) => f.startsWith('wdbc-k.staging-'))).toEqual([]);
  }, 240_000);
});
