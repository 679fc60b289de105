/** Rows for the read-only listings (benchmarks, MLCubes, datasets, results), from a loaded registry. */
import { type Diagnostic, fail } from '../diagnostics/diagnostic.js';
import { entityPath } from '../registry/layout.js';
import type { LoadedEntity } from '../registry/loader.js';
import type { RegistryIndex } from '../registry/registry-index.js';
import { readableMeasurements } from '../registry/result-encryption.js';
import { failIfBroken } from './registry-state.js';

export function benchmarkRows(index: RegistryIndex) {
  return index.list('Benchmark').map((b) => ({
    name: b.ref,
    owner: b.entity.metadata.owner ?? null,
    state: b.entity.spec.state,
    committee: b.entity.spec.committee,
    primaryMetric: b.entity.spec.policy.primaryMetric,
    models: index.modelAssociations(b.ref).length,
    datasets: index.datasetAssociations(b.ref).length,
    results: index.results(b.ref).length,
  }));
}

/** `problems`: the files that did not load (RegistryState.problems), to tell a broken file from none. */
export function benchmarkDetail(index: RegistryIndex, name: string, problems: readonly Diagnostic[] = []) {
  const b = index.get('Benchmark', name);
  if (!b) failIfBroken(problems, entityPath('Benchmark', name));
  if (!b) fail('registry.unknown', `no benchmark "${name}"; \`gitperf benchmark list\` shows them`);
  return {
    name,
    file: b.file,
    metadata: b.entity.metadata,
    spec: b.entity.spec,
    models: index
      .modelAssociations(name)
      .map((a) => ({ model: a.entity.spec.model, priority: a.entity.spec.priority ?? 0 }))
      .sort((x, y) => y.priority - x.priority || x.model.localeCompare(y.model)),
    datasets: index.datasetAssociations(name).map((a) => a.entity.spec.dataset),
    results: index.results(name).length,
  };
}

export function mlcubeRows(index: RegistryIndex) {
  return index.list('MLCube').map((c) => ({
    ref: c.ref,
    state: c.entity.spec.state,
    valid: c.entity.spec.valid,
    image: c.entity.spec.image
      ? `${c.entity.spec.image.reference}${c.entity.spec.image.digest ? `@${c.entity.spec.image.digest}` : ''}`
      : c.entity.spec.imageTarball
        ? `tarball ${c.entity.spec.imageTarball.url}`
        : null,
  }));
}

export function datasetRows(index: RegistryIndex) {
  return index.list('Dataset').map((d) => ({
    ref: d.ref,
    preparator: d.entity.spec.preparator,
    state: d.entity.spec.state,
    valid: d.entity.spec.valid,
    generatedUid: d.entity.spec.generatedUid,
  }));
}

/** One entity of `kind` by ref, with its file and text, or a clean failure naming the list command. */
export function entityDetail(
  index: RegistryIndex,
  kind: 'MLCube' | 'Dataset',
  ref: string,
  problems: readonly Diagnostic[] = [],
): LoadedEntity {
  const e = index.get(kind, ref);
  if (!e) {
    failIfBroken(problems, entityPath(kind, ref));
    const cmd = kind === 'MLCube' ? 'mlcube' : 'dataset';
    fail('registry.unknown', `no ${cmd} "${ref}" (write OWNER/NAME); \`gitperf ${cmd} list\` shows them`);
  }
  return e;
}

export interface ResultRow {
  model: string;
  dataset: string;
  partial: boolean;
  metrics: Record<string, number> | null;
  encrypted: boolean;
  finishedAt: string;
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
  const b = index.get('Benchmark', benchmark);
  if (!b) failIfBroken(problems, entityPath('Benchmark', benchmark));
  if (!b) fail('registry.unknown', `no benchmark "${benchmark}"; \`gitperf benchmark list\` shows them`);
  const rows: ResultRow[] = index.results(benchmark).map((r) => ({
    model: r.entity.spec.model,
    dataset: r.entity.spec.dataset,
    partial: r.entity.spec.partial,
    metrics: (r.entity.spec.metrics as Record<string, number> | undefined) ?? null,
    encrypted: r.entity.spec.encrypted !== undefined,
    finishedAt: r.entity.spec.execution.finishedAt,
    signedBy: r.entity.spec.signature ? (r.entity.spec.execution.runnerRef ?? null) : null,
  }));
  rows.sort((x, y) => x.model.localeCompare(y.model) || x.dataset.localeCompare(y.dataset));
  return {
    benchmark,
    primaryMetric: b.entity.spec.policy.primaryMetric,
    higherIsBetter: b.entity.spec.policy.higherIsBetter,
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
export function renderResultTable(t: ResultTable): string {
  if (t.rows.length === 0) return `no results for ${t.benchmark} yet`;
  const cell = (m: string, d: string) => {
    const r = t.rows.find((x) => x.model === m && x.dataset === d);
    if (!r) return '-';
    if (!r.metrics) return 'encrypted';
    const v = r.metrics[t.primaryMetric];
    const s = v === undefined ? '?' : Number.isNaN(v) ? 'NaN' : v.toFixed(4);
    const marked = r.partial ? `${s} (partial)` : s;
    return r.signedBy ? marked : `${marked} (unsigned)`;
  };
  const header = [
    `model \\ dataset (${t.primaryMetric}${t.higherIsBetter ? ', higher is better' : ', lower is better'})`,
    ...t.datasets,
  ];
  const lines = [header, ...t.models.map((m) => [m, ...t.datasets.map((d) => cell(m, d))])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  return lines
    .map((l) =>
      l
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
