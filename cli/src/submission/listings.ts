/** Rows for the read-only listings (benchmarks, MLCubes, datasets, results), from a loaded registry. */
import { type Diagnostic, fail } from '../diagnostics/diagnostic.js';
import { entityPath } from '../registry/layout.js';
import type { LoadedEntity } from '../registry/loader.js';
import type { RegistryIndex } from '../registry/registry-index.js';
import { readableMeasurements } from '../registry/result-encryption.js';
import { isSignedResult, markUnsigned } from '../registry/result-signed.js';
import { failIfBroken } from './registry-state.js';

export function benchmarkRows(index: RegistryIndex) {
  return index.list('Benchmark').map((benchmark) => ({
    name: benchmark.ref,
    owner: benchmark.entity.metadata.owner ?? null,
    state: benchmark.entity.spec.state,
    committee: benchmark.entity.spec.committee,
    primaryMetric: benchmark.entity.spec.policy.primaryMetric,
    models: index.modelAssociations(benchmark.ref).length,
    datasets: index.datasetAssociations(benchmark.ref).length,
    results: index.results(benchmark.ref).length,
  }));
}

/** `problems`: the files that did not load (RegistryState.problems), to tell a broken file from none. */
export function benchmarkDetail(index: RegistryIndex, name: string, problems: readonly Diagnostic[] = []) {
  const benchmark = index.get('Benchmark', name);
  if (!benchmark) failIfBroken(problems, entityPath('Benchmark', name));
  if (!benchmark) fail('registry.unknown', `no benchmark "${name}"; \`gitperf benchmark list\` shows them`);
  return {
    name,
    file: benchmark.file,
    metadata: benchmark.entity.metadata,
    spec: benchmark.entity.spec,
    models: index
      .modelAssociations(name)
      .map((a) => ({ model: a.entity.spec.model, priority: a.entity.spec.priority ?? 0 }))
      .sort((x, y) => y.priority - x.priority || x.model.localeCompare(y.model)),
    datasets: index.datasetAssociations(name).map((a) => a.entity.spec.dataset),
    results: index.results(name).length,
  };
}

export function mlcubeRows(index: RegistryIndex) {
  return index.list('MLCube').map((cube) => ({
    ref: cube.ref,
    state: cube.entity.spec.state,
    valid: cube.entity.spec.valid,
    image: cube.entity.spec.image
      ? `${cube.entity.spec.image.reference}${cube.entity.spec.image.digest ? `@${cube.entity.spec.image.digest}` : ''}`
      : cube.entity.spec.imageTarball
        ? `tarball ${cube.entity.spec.imageTarball.url}`
        : null,
  }));
}

export function datasetRows(index: RegistryIndex) {
  return index.list('Dataset').map((dataset) => ({
    ref: dataset.ref,
    preparator: dataset.entity.spec.preparator,
    state: dataset.entity.spec.state,
    valid: dataset.entity.spec.valid,
    generatedUid: dataset.entity.spec.generatedUid,
  }));
}

/** One entity of `kind` by ref, with its file and text, or a clean failure naming the list command. */
export function entityDetail(
  index: RegistryIndex,
  kind: 'MLCube' | 'Dataset',
  ref: string,
  problems: readonly Diagnostic[] = [],
): LoadedEntity {
  const entity = index.get(kind, ref);
  if (!entity) {
    failIfBroken(problems, entityPath(kind, ref));
    const cmd = kind === 'MLCube' ? 'mlcube' : 'dataset';
    fail('registry.unknown', `no ${cmd} "${ref}" (write OWNER/NAME); \`gitperf ${cmd} list\` shows them`);
  }
  return entity;
}

export interface ResultRow {
  model: string;
  dataset: string;
  partial: boolean;
  metrics: Record<string, number> | null;
  encrypted: boolean;
  finishedAt: string;
  /** Whether it is signed (false: marked `unsigned`, registry/result-signed.ts). */
  signed: boolean;
  /** The runner whose key signed it (verified by `gitperf validate` at merge), or null: unsigned. */
  signedBy: string | null;
}

export interface ResultTable {
  benchmark: string;
  primaryMetric: string;
  higherIsBetter: boolean;
  models: string[];
  datasets: string[];
  rows: ResultRow[];
}

/** Results of a benchmark, one row per (model, dataset). Sharing policies apply later (leaderboard). */
export function resultTable(
  index: RegistryIndex,
  benchmark: string,
  problems: readonly Diagnostic[] = [],
): ResultTable {
  const benchmarkEntity = index.get('Benchmark', benchmark);
  if (!benchmarkEntity) failIfBroken(problems, entityPath('Benchmark', benchmark));
  if (!benchmarkEntity)
    fail('registry.unknown', `no benchmark "${benchmark}"; \`gitperf benchmark list\` shows them`);
  const rows: ResultRow[] = index.results(benchmark).map((result) => ({
    model: result.entity.spec.model,
    dataset: result.entity.spec.dataset,
    partial: result.entity.spec.partial,
    metrics: (result.entity.spec.metrics as Record<string, number> | undefined) ?? null,
    encrypted: result.entity.spec.encrypted !== undefined,
    finishedAt: result.entity.spec.execution.finishedAt,
    signed: isSignedResult(result.entity),
    signedBy: isSignedResult(result.entity) ? (result.entity.spec.execution.runnerRef ?? null) : null,
  }));
  rows.sort((x, y) => x.model.localeCompare(y.model) || x.dataset.localeCompare(y.dataset));
  return {
    benchmark,
    primaryMetric: benchmarkEntity.entity.spec.policy.primaryMetric,
    higherIsBetter: benchmarkEntity.entity.spec.policy.higherIsBetter,
    models: [...new Set(rows.map((r) => r.model))],
    datasets: [...new Set(rows.map((r) => r.dataset))],
    rows,
  };
}

/**
 * The table with the encrypted results the reader's `identities` can open decrypted (their metrics filled in,
 * `encrypted` kept true); the others stay without metrics. A ciphertext that is not for these identities is
 * the expected case, not an error.
 */
export async function decryptResultTable(
  index: RegistryIndex,
  table: ResultTable,
  identities: readonly string[],
): Promise<ResultTable> {
  if (identities.length === 0) return table;
  const rows = await Promise.all(
    table.rows.map(async (row) => {
      if (!row.encrypted) return row;
      const entry = index
        .results(table.benchmark)
        .find((r) => r.entity.spec.model === row.model && r.entity.spec.dataset === row.dataset);
      if (!entry) return row;
      const measurements = await readableMeasurements(entry.entity, identities, entry.file);
      return measurements ? { ...row, metrics: measurements.metrics } : row;
    }),
  );
  return { ...table, rows };
}

/** A text matrix: one line per model, one column per dataset, the primary metric in each cell. */
export function renderResultTable(table: ResultTable): string {
  if (table.rows.length === 0) return `no results for ${table.benchmark} yet`;
  const cell = (model: string, dataset: string) => {
    const row = table.rows.find((x) => x.model === model && x.dataset === dataset);
    if (!row) return '-';
    if (!row.metrics) return markUnsigned('encrypted', row.signed);
    const metric = row.metrics[table.primaryMetric];
    const shown = metric === undefined ? '?' : Number.isNaN(metric) ? 'NaN' : metric.toFixed(4);
    const marked = row.partial ? `${shown} (partial)` : shown;
    return markUnsigned(marked, row.signed);
  };
  const header = [
    `model \\ dataset (${table.primaryMetric}${table.higherIsBetter ? ', higher is better' : ', lower is better'})`,
    ...table.datasets,
  ];
  const lines = [header, ...table.models.map((m) => [m, ...table.datasets.map((d) => cell(m, d))])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  return lines
    .map((line) =>
      line
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export interface ResultDetail {
  file: string;
  benchmark: string;
  model: string;
  dataset: string;
  dataOwner: string;
  partial: boolean;
  finishedAt: string;
  /** The runner whose key signed it, or null: unsigned. */
  signedBy: string | null;
  /** The logins it is encrypted to; null when it is plain. */
  encryptedTo: string[] | null;
  /** False when it is encrypted and none of the reader's identities is a recipient. */
  readable: boolean;
  metrics?: Record<string, number>;
  sufficientStatistics?: unknown;
}

/** One result, decrypted when the identities can (the digest the signature covers is checked). */
export async function resultDetail(
  index: RegistryIndex,
  ref: { benchmark: string; dataset: string; model: string },
  identities: readonly string[],
): Promise<ResultDetail> {
  const entry = index
    .results(ref.benchmark)
    .find((r) => r.entity.spec.model === ref.model && r.entity.spec.dataset === ref.dataset);
  if (!entry)
    fail(
      'registry.unknown',
      `no result of ${ref.model} on ${ref.dataset} in benchmark ${ref.benchmark}; \`gitperf result list --benchmark ${ref.benchmark}\` shows them`,
    );
  const spec = entry.entity.spec;
  const measurements = await readableMeasurements(entry.entity, identities, entry.file);
  return {
    file: entry.file,
    benchmark: spec.benchmark,
    model: spec.model,
    dataset: spec.dataset,
    dataOwner: entry.entity.metadata.owner,
    partial: spec.partial,
    finishedAt: spec.execution.finishedAt,
    signedBy: spec.signature ? (spec.execution.runnerRef ?? null) : null,
    encryptedTo: spec.encrypted ? spec.encrypted.recipients : null,
    readable: measurements !== undefined,
    ...(measurements
      ? {
          metrics: measurements.metrics,
          ...(measurements.sufficientStatistics !== undefined
            ? { sufficientStatistics: measurements.sufficientStatistics }
            : {}),
        }
      : {}),
  };
}

/** The result for people: the public envelope, then the measurements or why they cannot be shown. */
export function renderResultDetail(d: ResultDetail): string {
  const lines = [
    `${d.model} on ${d.dataset} (${d.benchmark})${d.partial ? '  PARTIAL' : ''}`,
    `  file: ${d.file}`,
    `  finished: ${d.finishedAt}; ${d.signedBy ? `signed by runner ${d.signedBy}` : 'unsigned'}`,
  ];
  if (d.encryptedTo) lines.push(`  encrypted (age) to: ${d.encryptedTo.join(', ')}`);
  if (!d.readable) {
    lines.push('  metrics: encrypted, not readable with the given identities');
    return lines.join('\n');
  }
  lines.push('  metrics:');
  for (const [name, value] of Object.entries(d.metrics ?? {}))
    lines.push(`    ${name}: ${Number.isNaN(value) ? 'NaN' : value}`);
  if (d.sufficientStatistics !== undefined)
    lines.push(`  sufficient statistics: ${JSON.stringify(d.sufficientStatistics)}`);
  return lines.join('\n');
}
