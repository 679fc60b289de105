/**
 * `gitperf demo --runner podman`: the same workflow with every cube in its container (the example images,
 * built offline and pinned by digest). The results must be the ones the local runner produced, which are
 * the committed example registry's.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readableMeasurements } from '../../cli/src/registry/result-encryption.js';
import { readIdentityFile } from '../../cli/src/trust/index.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { assertTool, shouldRun } from '../helpers/containers.js';

describe.skipIf(!shouldRun('podman'))('gitperf demo --runner podman', () => {
  let tmp: string;
  let bare: string;
  let dir: string;
  const show = async (p: string) =>
    parse(String((await execa('git', ['-C', bare, 'show', `main:${p}`])).stdout));

  beforeAll(async () => {
    assertTool('podman');
    tmp = await mkdtemp(join(tmpdir(), 'gitperf-e2e-podman-'));
    dir = join(tmp, 'demo');
    bare = join(dir, 'registry.git');
    const r = await runCli(['demo', '--dir', dir, '--runner', 'podman'], { timeout: 600_000 });
    if (r.exitCode !== 0) throw new Error(`gitperf demo --runner podman failed:\n${r.stdout}\n${r.stderr}`);
  }, 620_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('registers the cubes with their images pinned by digest', async () => {
    for (const ref of ['ana/bc-prep', 'ana/bc-logreg', 'ana/bc-metrics', 'lee/bc-centroid', 'kim/bc-stump']) {
      const c = await show(`registry/mlcubes/${ref}.yaml`);
      expect(c.spec.image.reference).toMatch(/^localhost\/gitperf\/bc-[a-z]+:0\.1$/);
      expect(c.spec.image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it('gives the same results as the local runner (the committed example), run in containers', async () => {
    const b = 'registry/benchmarks/bc-diagnosis/results';
    // The demo's benchmark shares per model, so its results are encrypted: read them as the committee (ana).
    const committee = await readIdentityFile(join(dir, 'home', 'keys', 'age', 'ana'));
    for (const d of ['hospital-a/wdbc-a', 'hospital-b/wdbc-b', 'hospital-c/wdbc-c'])
      for (const m of ['ana.bc-logreg', 'lee.bc-centroid', 'kim.bc-stump']) {
        const got = await show(`${b}/${d}/${m}.yaml`);
        const want = parse(await readFile(join(repoRoot, `${b}/${d}/${m}.yaml`), 'utf8'));
        expect(got.spec.execution.runner).toBe('podman');
        expect(got.spec.encrypted?.scheme).toBe('age');
        const measurements = await readableMeasurements(got, committee, `${m} on ${d}`);
        expect(measurements?.metrics, `${m} on ${d}`).toEqual(want.spec.metrics);
        expect(got.spec.partial).toBe(want.spec.partial);
        expect(got.spec.execution.dataset.generatedUid).toBe(want.spec.execution.dataset.generatedUid);
        const model = got.spec.execution.cubes.find((c: { role: string }) => c.role === 'model');
        expect(model.hashes.image).toMatch(/^sha256:[0-9a-f]{64}$/);
      }
  });
});
