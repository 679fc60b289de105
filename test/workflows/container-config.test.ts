// MedPerf's container format: the benchmark's preparator, metrics cube and one model (bc-centroid) registered
// with container_config.yaml twins of their mlcube.yaml (test/fixtures/medperf-cubes: same images and code, the
// volume names MedPerf binds) go through dataset preparation, the benchmark run and the compatibility test under
// the local runner and podman, and give the same bytes and metrics as the mlcube.yaml cubes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchmarkRun } from '../../cli/src/workflows/benchmark-run.js';
import { repoRoot } from '../helpers/cli.js';
import { assertTool, shouldRun } from '../helpers/containers.js';
import {
  buildOwnExampleImages,
  ensureExampleImages,
  makeTestRegistry,
  runProcedures,
  sha256Of,
  type TestRegistry,
} from './fixtures.js';

const twin = (c: string) => join(repoRoot, 'test', 'fixtures', 'medperf-cubes', c, 'container_config.yaml');
const TWINS = { prep: twin('prep'), centroid: twin('centroid'), metrics: twin('metrics') };

let mlcube: TestRegistry;
let medperf: TestRegistry;
let own: Awaited<ReturnType<typeof buildOwnExampleImages>> | undefined;

describe.skipIf(!shouldRun('podman'))('container_config.yaml cubes', () => {
  beforeAll(async () => {
    assertTool('podman');
    await ensureExampleImages();
    // The registry's image wins over the config's `image:` (as a registered image digest does in MedPerf).
    own = await buildOwnExampleImages(`localhost/gitperf-medperf-${process.pid}`);
    mlcube = await makeTestRegistry({ images: own.images });
    medperf = await makeTestRegistry({ manifests: TWINS, images: own.images });
  }, 660_000);
  afterAll(async () => {
    await own?.remove();
    await mlcube?.cleanup();
    await medperf?.cleanup();
  });

  it('prepare, run and test like their mlcube.yaml twins, under the local runner and podman', async () => {
    const reference = await runProcedures(mlcube, 'local');
    const local = await runProcedures(medperf, 'local');
    const podman = await runProcedures(medperf, 'podman');
    const summary = (r: BenchmarkRun) => r.runs.map((m) => [m.model, m.status, m.result?.spec.metrics]);

    for (const got of [local, podman]) {
      expect(got.ds.entity.spec.inputDataHash).toBe(reference.ds.entity.spec.inputDataHash);
      expect(got.ds.entity.spec.generatedUid).toBe(reference.ds.entity.spec.generatedUid);
      expect(got.ds.entity.spec.statistics).toEqual(reference.ds.entity.spec.statistics);
      expect(summary(got.run)).toEqual(summary(reference.run));
      expect(got.test.record.dataset.generatedUid).toBe(reference.test.record.dataset.generatedUid);
      expect(got.test.record.metrics).toEqual(reference.test.record.metrics);
    }
    // Not vacuous: real metrics, the container_config model among them, and the statistics of the prepared data.
    expect(local.run.runs.map((m) => [m.model, m.status])).toEqual([
      ['ana/bc-logreg', 'ok'],
      ['lee/bc-centroid', 'ok'],
      ['kim/bc-stump', 'partial'],
    ]);
    expect(local.run.runs[1].result?.spec.metrics?.auc).toBeGreaterThan(0.9);
    expect(Object.keys(local.ds.entity.spec.statistics ?? {}).length).toBeGreaterThan(0);
    expect(podman.run.runs[1].result?.spec.execution.runner).toBe('podman');

    // The registered config is what ran: materialised under its own name, recorded by its sha256.
    expect(existsSync(join(podman.home, 'cubes', 'ana', 'bc-prep', 'container_config.yaml'))).toBe(true);
    expect(existsSync(join(podman.home, 'cubes', 'ana', 'bc-prep', 'mlcube.yaml'))).toBe(false);
    const prepHashes = podman.test.record.cubes.find((c) => c.ref === 'ana/bc-prep')?.hashes;
    expect(prepHashes?.manifest).toBe(await sha256Of(TWINS.prep));
  }, 600_000);
});
