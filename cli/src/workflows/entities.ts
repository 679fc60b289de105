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

export function buildDataset(fields: {
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
    metadata: {
      name: fields.name,
      owner: fields.owner,
      ...(fields.description ? { description: fields.description } : {}),
    },
    spec: {
      preparator: fields.preparator,
      inputDataHash: fields.inputDataHash,
      generatedUid: fields.generatedUid,
      location: fields.location,
      // What the preparator wrote; its bounds (DatasetStatistics) are checked with the rest of the entity
      // against the schema before anything is written.
      statistics: fields.statistics as DatasetStatistics,
      state: 'development',
      submittedAsPrepared: fields.submittedAsPrepared ?? false,
      valid: true,
    },
  };
}

export function buildResult(fields: {
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
  const [dataOwner] = fields.dataset.ref.split('/');
  return {
    apiVersion: 'gitperf/v1',
    kind: 'Result',
    metadata: { name: fields.model.replace('/', '.'), owner: dataOwner },
    spec: {
      benchmark: fields.benchmark,
      model: fields.model,
      dataset: fields.dataset.ref,
      metrics: fields.metrics,
      ...(fields.sufficientStatistics ? { sufficientStatistics: fields.sufficientStatistics } : {}),
      partial: fields.partial,
      execution: {
        runner: fields.runner,
        ...(fields.runnerRef ? { runnerRef: fields.runnerRef } : {}),
        startedAt: iso(fields.startedAt),
        finishedAt: iso(fields.finishedAt),
        gitperfVersion: gitperfVersion(),
        cubes: fields.cubes as Result['spec']['execution']['cubes'],
        dataset: { generatedUid: fields.dataset.generatedUid },
      },
    },
  };
}

export function buildCompatibilityTest(fields: {
  ranAt: Date;
  runner: RunnerKind;
  source: 'demo' | 'prepared';
  generatedUid: string;
  cubes: CubeUsage[];
  metrics: Metrics;
}): CompatibilityTest {
  return {
    ranAt: iso(fields.ranAt),
    runner: fields.runner,
    gitperfVersion: gitperfVersion(),
    dataset: { source: fields.source, generatedUid: fields.generatedUid },
    cubes: fields.cubes as CompatibilityTest['cubes'],
    metrics: fields.metrics,
  };
}

/** RFC 3339 without milliseconds, as the registry writes dates. */
function iso(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
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

function withoutNaN(value: unknown): unknown {
  if (typeof value === 'number') return Number.isNaN(value) ? 0 : value;
  if (Array.isArray(value)) return value.map(withoutNaN);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, x]) => [k, withoutNaN(x)]),
    );
  return value;
}
