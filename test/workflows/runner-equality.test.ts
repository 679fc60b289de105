// The demo cubes give the same prepared data and the same metrics under the local runner and under podman:
// the whole procedure chain (prepare, sanity_check, statistics, infer for three models, evaluate) on hospital
// C's data, and the compatibility test on the demo tarball. Images come from scripts/build-example-images.sh,
// built here when absent. With GITPERF_REQUIRE_CONTAINERS=1 a missing podman fails this file.
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BenchmarkRun, runBenchmark } from '../../cli/src/workflows/benchmark-run.js';
import { runCompatibilityTest } from '../../cli/src/workflows/compatibility-test.js';
import { cubeAccess } from '../../cli/src/workflows/cube-access.js';
import type { RunnerKind } from '../../cli/src/workflows/execution.js';
import { layout } from '../../cli/src/workflows/layout.js';
import { prepareDataset } from '../../cli/src/workflows/prepare-dataset.js';
import { loadBenchmark } from '../../cli/src/workflows/registry-access.js';
import { repoRoot } from '../helpers/cli.js';
import { assertTool, shouldRun } from '../helpers/containers.js';
import { makeTestRegistry, site, type TestRegistry } from './fixtures.js';

const IMAGES = ['prep', 'logreg', 'metrics', 'centroid', 'stump'].map((c) => `localhost/gitperf/bc-${c}:0.1`);

let reg: TestRegistry;

async function procedures(runner: RunnerKind) {
  const lay = layout(join(reg.root, `home-${runner}`));
  const exec = cubeAccess({ runner, layout: lay, registryDir: reg.registryDir });
  const bench = await loadBenchmark('bc-diagnosis', reg.registryDir);
  const c = site('c');
  const ds = await prepareDataset(
    { preparator: bench.preparator, data: c.data, labels: c.labels, name: 'wdbc-c', owner: 'hospital-c' },
    { exec, layout: lay },
  );
  const run: BenchmarkRun = await runBenchmark(
    { benchmark: bench, dataset: 'wdbc-c', models: bench.models, ignoreModelErrors: true },
    { exec, layout: lay },
  );
  const test = await runCompatibilityTest(
    {
      preparator: bench.preparator,
      model: bench.referenceModel,
      metrics: bench.metrics,
      data: { kind: 'demo', ...bench.demoDataset },
    },
    { exec, layout: lay },
  );
  return { ds, run, test };
}

describe.skipIf(!shouldRun('podman'))('local runner and podman agree', () => {
  beforeAll(async () => {
    assertTool('podman');
    const present = await Promise.all(
      IMAGES.map(
        async (i) => (await execa('podman', ['image', 'exists', i], { reject: false })).exitCode === 0,
      ),
    );
    if (present.includes(false))
      await execa('bash', [join(repoRoot, 'scripts/build-example-images.sh')], { timeout: 600_000 });
    reg = await makeTestRegistry();
  }, 660_000);
  afterAll(async () => {
    await reg?.cleanup();
  });

  it('prepares the same bytes and reports the same metrics for every model', async () => {
    const local = await procedures('local');
    const podman = await procedures('podman');

    expect(podman.ds.entity.spec.inputDataHash).toBe(local.ds.entity.spec.inputDataHash);
    expect(podman.ds.entity.spec.generatedUid).toBe(local.ds.entity.spec.generatedUid);
    expect(podman.ds.entity.spec.statistics).toEqual(local.ds.entity.spec.statistics);

    const summary = (r: BenchmarkRun) => r.runs.map((m) => [m.model, m.status, m.result?.spec.metrics]);
    expect(summary(podman.run)).toEqual(summary(local.run));
    // Not vacuous: real metrics for two models, the stump partial at this site under both runners.
    expect(local.run.runs.map((m) => m.status)).toEqual(['ok', 'ok', 'partial']);
    expect(local.run.runs[0].result?.spec.metrics?.auc).toBeGreaterThan(0.9);
    expect(podman.run.runs[0].result?.spec.execution.runner).toBe('podman');

    expect(podman.test.record.dataset.generatedUid).toBe(local.test.record.dataset.generatedUid);
    expect(podman.test.record.metrics).toEqual(local.test.record.metrics);
    expect(podman.test.record.runner).toBe('podman');
  }, 300_000);
});
