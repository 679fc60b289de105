/**
 * The submission branch of a job: one name per (job, registry state it runs against), so that the forge,
 * which opens a given branch only once (compare-and-swap), lets exactly one runner process submit it. The
 * state part is what a run records and the plan compares: the registry's current hashes of the preparator,
 * the model and the metrics cube, and the dataset's generatedUid. A job that turns stale (a cube or the
 * data changed) gets a new branch; the same job against the same state never does.
 */
import { createHash } from 'node:crypto';
import type { MlcubeSpec } from '../cube/types.js';
import type { PlanJob } from '../plan/index.js';
import type { RegistryView } from '../policy/index.js';
import { repoEntityPath } from '../registry/layout.js';
import { registeredHashes } from '../registry/registered-hashes.js';
import type { Benchmark, Dataset } from '../registry/types.generated.js';

export function jobBranch(job: PlanJob, view: RegistryView): string {
  const spec = <T>(path: string): T | undefined => view.get(path)?.data as T | undefined;
  const bench = spec<Benchmark>(repoEntityPath('Benchmark', job.benchmark))?.spec;
  const cube = (ref: string | undefined) => {
    const cubeSpec = ref ? spec<{ spec?: MlcubeSpec }>(repoEntityPath('MLCube', ref))?.spec : undefined;
    return cubeSpec?.manifest ? registeredHashes(cubeSpec) : null;
  };
  const state = JSON.stringify([
    bench?.preparator ?? null,
    cube(bench?.preparator),
    job.model,
    cube(job.model),
    bench?.metrics ?? null,
    cube(bench?.metrics),
    spec<Dataset>(repoEntityPath('Dataset', job.dataset))?.spec?.generatedUid ?? null,
  ]);
  const digest = createHash('sha256').update(state).digest('hex').slice(0, 12);
  return `gitperf/run/${job.id}-${digest}`;
}
