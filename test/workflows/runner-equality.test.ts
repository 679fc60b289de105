// The demo cubes give the same prepared data and the same metrics under the local runner and under podman:
// the whole procedure chain (prepare, sanity_check, statistics, infer for three models, evaluate) on hospital
// C's data, and the compatibility test on the demo tarball. Images are built as scripts/build-example-images.sh
// builds them, from this checkout under tags of their own. With GITPERF_REQUIRE_CONTAINERS=1 a missing podman
// fails this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkRun } from '../../cli/src/workflows/benchmark-run.js';
import { assertTool, shouldRun } from '../helpers/containers.js';
import {
  buildOwnExampleImages,
  ensureExampleImages,
  makeTestRegistry,
  runProcedures,
  type TestRegistry,
} from './fixtures.js';

let reg: TestRegistry;
let own: Awaited<ReturnType<typeof buildOwnExampleImages>> | undefined;

describe.skipIf(!shouldRun('podman'))('local runner and podman agree', () => {
  beforeAll(async () => {
    assertTool('podman');
    await ensureExampleImages();
    // Images of this checkout's code: the shared localhost/gitperf tags may hold another checkout's.
    own = await buildOwnExampleImages(`localhost/gitperf-equality-${process.pid}`);
    reg = await makeTestRegistry({ images: own.images });
  }, 660_000);
  afterAll(async () => {
    await own?.remove();
    await reg?.cleanup();
  });

  it('prepares the same bytes and reports the same metrics for every model', async () => {
    const local = await runProcedures(reg, 'local');
    const podman = await runProcedures(reg, 'podman');

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
