/**
 * The entities the procedures produce (Dataset, Result, the compatibility-test record), built from the
 * registry's generated types and checked against the registry's schemas before anything is written.
 */
import { fail } from '../diagnostics/diagnostic.js';
import { gitperfVersion } from '../infra/version.js';
import type { Kind } from '../registry/kinds.js';
import type {
  CompatibilityTest,
  CubeUsage,
  Dataset,
  DatasetStatistics,
  Metrics,
  Result,
  SufficientStatistics,
} from '../registry/types.generated.js';
import * as validators from '../registry/validators.generated.js';
import type { RunnerKind } from './execution.js';

export function buildDataset(a: {
  name: string;
  owner: string;
  description?: string;
  preparator: string;
  inputDataHash: string;
  generatedUid: string;
  location: string;
  statistics: Record<string, unknown>;
  submittedAsPrepared?: boolean;
}): Dataset {
  return {
    apiVersion: 'gitperf/v1',
    kind: 'Dataset',
    metadata: { name: a.name, owner: a.owner, ...(a.description ? { description: a.description } : {}) },
    spec: {
      preparator: a.preparator,
      inputDataHash: a.inputDataHash,
      generatedUid: a.generatedUid,
      location: a.location,
      // What the preparator wrote; its bounds (DatasetStatistics) are checked with the rest of the entity
      // against the schema before anything is written.
      statistics: a.statistics as DatasetStatistics,
      state: 'development',
      submittedAsPrepared: a.submittedAsPrepared ?? false,
      valid: true,
    },
  };
}

export function buildResult(a: {
  benchmark: string;
  model: string;
  dataset: { ref: string; generatedUid: string };
  metrics: Metrics;
  sufficientStatistics?: SufficientStatistics;
  partial: boolean;
  runner: RunnerKind;
  /** The registered Runner (`owner/name`) that produced it, when one did. */
  runnerRef?: string;
  startedAt: Date;
  finishedAt: Date;
  cubes: CubeUsage[];
}): Result {
  const [dataOwner] = a.dataset.ref.split('/');
  return {
    apiVersion: 'gitperf/v1',
    kind: 'Result',
    metadata: { name: a.model.replace('/', '.'), owner: dataOwner },
    spec: {
      benchmark: a.benchmark,
      model: a.model,
      dataset: a.dataset.ref,
      metrics: a.metrics,
      ...(a.sufficientStatistics ? { sufficientStatistics: a.sufficientStatistics } : {}),
      partial: a.partial,
      execution: {
        runner: a.runner,
        ...(a.runnerRef ? { runnerRef: a.runnerRef } : {}),
        startedAt: iso(a.startedAt),
        finishedAt: iso(a.finishedAt),
        gitperfVersion: gitperfVersion(),
        cubes: a.cubes as Result['spec']['execution']['cubes'],
        dataset: { generatedUid: a.dataset.generatedUid },
      },
    },
  };
}

export function buildCompatibilityTest(a: {
  ranAt: Date;
  runner: RunnerKind;
  source: 'demo' | 'prepared';
  generatedUid: string;
  cubes: CubeUsage[];
  metrics: Metrics;
}): CompatibilityTest {
  return {
    ranAt: iso(a.ranAt),
    runner: a.runner,
    gitperfVersion: gitperfVersion(),
    dataset: { source: a.source, generatedUid: a.generatedUid },
    cubes: a.cubes as CompatibilityTest['cubes'],
    metrics: a.metrics,
  };
}

/** RFC 3339 without milliseconds, as the registry writes dates. */
function iso(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

type ValidatorFn = ((v: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};

/** Refuse to write an entity the registry would reject (a bug here, or a cube reporting bad values). */
export function checkEntity(kind: Kind, value: unknown): void {
  const validate = (validators as unknown as Record<string, ValidatorFn>)[kind];
  // NaN is an allowed metric value (`.nan`), but JSON Schema's minimum/maximum reject it: check a copy with 0.
  if (!validate || validate(withoutNaN(value))) return;
  const why = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
  fail('entity.invalid', `the ${kind} gitperf built does not match the ${kind} schema: ${why}`);
}

function withoutNaN(v: unknown): unknown {
  if (typeof v === 'number') return Number.isNaN(v) ? 0 : v;
  if (Array.isArray(v)) return v.map(withoutNaN);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, withoutNaN(x)]),
    );
  return v;
}
