/**
 * The jobs a registry is waiting for, as a pure function of what plan-input.ts read and the association
 * ages. A job is (benchmark, dataset, model) where the benchmark is in operation, the dataset association
 * and the model association are merged (present in the registry read: its main branch), the dataset and
 * cubes are valid, and no result records the registry's current cube hashes (image digests included) and
 * dataset generatedUid: `new` when there is no result, `stale` when the recorded ones differ.
 */
import { type Diagnostic, warning } from '../diagnostics/diagnostic.js';
import { sha256Hex } from '../infra/sha256.js';
import { resultRef } from '../registry/kinds.js';
import type { LoadedEntity } from '../registry/loader.js';
import { currentHashes, type ExpectedCube, staleFields } from '../registry/provenance.js';
import type { CubeRole } from '../registry/types.generated.js';
import { datasetMatches, type PlanInput, type PlanScope, recordedExecution } from './plan-input.js';
import { canonicalCubeText, canonicalDatasetText, isCanonicalCurrent } from './recorded-execution.js';

export type JobReason = 'new' | 'stale';

/** One job, exactly as `gitperf plan --json` prints it. */
export interface PlanJob {
  /** Stable across runs: the first 16 hex digits of sha256("<benchmark>\n<dataset>\n<model>"). */
  id: string;
  benchmark: string;
  dataset: string;
  model: string;
  reason: JobReason;
  /** The Runner (`owner/name`) that serves the dataset, or null when none does. */
  runner: string | null;
  /** That runner's labels (empty when unassigned). */
  labels: string[];
}

/** A job with what the text table shows besides the JSON fields. */
export interface PlannedJob extends PlanJob {
  /** For stale jobs: what changed since the result (`model image`, `dataset generatedUid`, ...). */
  changed: string[];
  /** Other runners serving the same dataset (the first by ref is assigned). */
  otherRunners: string[];
}

export interface Plan {
  jobs: PlannedJob[];
  warnings: Diagnostic[];
}

/** Association file path (registry-relative) → commit time in seconds; absent: unknown. */
export type Ages = ReadonlyMap<string, number>;

export function jobId(benchmark: string, dataset: string, model: string): string {
  return sha256Hex(`${benchmark}\n${dataset}\n${model}`).slice(0, 16);
}

interface Expected extends ExpectedCube {
  /** The block a current result holds for this cube (recorded-execution.ts). */
  canonical: Buffer;
  /** For a model: the blocks of the benchmark's preparator, this model and the metrics cube, in run order. */
  pieces: Buffer[];
}

function expected(role: CubeRole, ref: string, cube: LoadedEntity<'MLCube'>): Expected {
  const hashes = currentHashes(cube.entity.spec);
  return {
    role,
    ref,
    hashes,
    count: Object.keys(hashes).length,
    canonical: Buffer.from(canonicalCubeText(role, ref, hashes)),
    pieces: [],
  };
}

interface Candidate {
  job: PlannedJob;
  rank: number;
  modelAge: number;
  datasetAge: number;
  modelPath: string;
  datasetPath: string;
}

/**
 * The plan. Order: the benchmark's model priority (its reference model first, then `priority`, higher
 * first), then the model association's age (oldest first), then the dataset association's age, then
 * benchmark, dataset and model refs. An unknown age (not a git checkout, an uncommitted file) sorts after
 * every known one, so without git the order falls back to paths.
 */
export function planJobs(input: PlanInput, ages: Ages | undefined, scope: PlanScope = {}): Plan {
  const warnings = [...input.warnings];
  const servedBy = new Map<string, LoadedEntity<'Runner'>[]>();
  for (const runner of input.runners)
    for (const dataset of runner.entity.spec.datasets) {
      const list = servedBy.get(dataset);
      if (list) list.push(runner);
      else servedBy.set(dataset, [runner]);
    }
  const runnerDatasets = scope.runner
    ? new Set(input.runners.find((r) => r.ref === scope.runner)?.entity.spec.datasets ?? [])
    : undefined;
  const age = (path: string) => ages?.get(path) ?? Number.POSITIVE_INFINITY;
  const candidates: Candidate[] = [];
  for (const bench of input.benchmarks) {
    if (scope.benchmark && bench.ref !== scope.benchmark) continue;
    if (bench.entity.spec.state !== 'operation') continue;
    const spec = bench.entity.spec;
    const usable = (ref: string, role: string): LoadedEntity<'MLCube'> | undefined => {
      const cube = input.cubes.get(ref);
      if (cube && cube.entity.spec.valid === false) {
        warnings.push(
          warning(
            'plan.cube-invalid',
            `${role} ${ref} of ${bench.ref} is marked invalid; its jobs are left out`,
            {
              file: cube.file,
            },
          ),
        );
        return undefined;
      }
      return cube;
    };
    const datasetAssociations = input.datasetAssociations.get(bench.ref) ?? [];
    if (datasetAssociations.length === 0) continue;
    const prep = usable(spec.preparator, 'preparator');
    const metrics = usable(spec.metrics, 'metrics cube');
    if (!prep || !metrics) continue;
    const models: { ref: string; rank: number; path: string }[] = [
      { ref: spec.referenceModel, rank: Number.POSITIVE_INFINITY, path: bench.path },
    ];
    for (const association of input.modelAssociations.get(bench.ref) ?? []) {
      const ref = association.info.model ?? association.entity.spec.model;
      if (ref === spec.referenceModel) continue;
      models.push({ ref, rank: association.entity.spec.priority ?? 0, path: association.path });
    }
    const expectedModels = new Map<string, Expected>();
    for (const candidate of models) {
      const cube = usable(candidate.ref, 'model');
      if (cube) expectedModels.set(candidate.ref, expected('model', candidate.ref, cube));
    }
    const prepExpected = expected('preparator', spec.preparator, prep);
    const metricsExpected = expected('metrics', spec.metrics, metrics);
    for (const model of expectedModels.values())
      model.pieces = [prepExpected.canonical, model.canonical, metricsExpected.canonical];
    for (const da of datasetAssociations) {
      const dataset = da.info.dataset ?? da.entity.spec.dataset;
      if (!datasetMatches(scope, dataset) || (runnerDatasets && !runnerDatasets.has(dataset))) continue;
      const ds = input.datasets.get(dataset);
      if (!ds) continue; // missing or broken: already a warning
      if (ds.entity.spec.valid === false) {
        warnings.push(
          warning('plan.dataset-invalid', `dataset ${dataset} is marked invalid; its jobs are left out`, {
            file: ds.file,
          }),
        );
        continue;
      }
      const runners = servedBy.get(dataset) ?? [];
      const assigned = scope.runner ? runners.find((r) => r.ref === scope.runner) : runners[0];
      // Shared by the dataset's jobs (read-only).
      const labels = assigned?.entity.spec.labels ?? [];
      const otherRunners = runners.filter((r) => r !== assigned).map((r) => r.ref);
      const datasetText = Buffer.from(canonicalDatasetText(ds.entity.spec.generatedUid));
      for (const candidate of models) {
        const model = expectedModels.get(candidate.ref);
        if (!model) continue;
        const ref = resultRef(bench.ref, dataset, candidate.ref);
        if (input.brokenResults.has(ref)) continue;
        const resultFile = input.results.get(ref);
        let changed: string[] = [];
        if (resultFile) {
          const cubes = [prepExpected, model, metricsExpected];
          if (isCanonicalCurrent(resultFile.bytes, model.pieces, datasetText)) continue;
          const recorded = recordedExecution(resultFile, warnings);
          if (!recorded) continue; // broken: a warning says so
          changed = staleFields(recorded, cubes, ds.entity.spec.generatedUid);
          if (changed.length === 0) continue;
        }
        const recorded = resultFile !== undefined;
        candidates.push({
          job: {
            id: jobId(bench.ref, dataset, candidate.ref),
            benchmark: bench.ref,
            dataset,
            model: candidate.ref,
            reason: recorded ? 'stale' : 'new',
            runner: assigned?.ref ?? null,
            labels,
            changed,
            otherRunners,
          },
          rank: candidate.rank,
          modelAge: age(candidate.path),
          datasetAge: age(da.path),
          modelPath: candidate.path,
          datasetPath: da.path,
        });
      }
    }
  }
  candidates.sort(
    (a, b) =>
      compareDesc(a.rank, b.rank) ||
      compareAsc(a.modelAge, b.modelAge) ||
      compareAsc(a.datasetAge, b.datasetAge) ||
      compareText(a.job.benchmark, b.job.benchmark) ||
      compareText(a.modelPath, b.modelPath) ||
      compareText(a.datasetPath, b.datasetPath),
  );
  return { jobs: candidates.map((c) => c.job), warnings };
}

function compareAsc(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareDesc(a: number, b: number): number {
  return compareAsc(b, a);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The JSON form of a job: exactly the documented fields. */
export function jobJson(job: PlanJob): PlanJob {
  return {
    id: job.id,
    benchmark: job.benchmark,
    dataset: job.dataset,
    model: job.model,
    reason: job.reason,
    runner: job.runner,
    labels: job.labels,
  };
}
