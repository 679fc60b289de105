/** Rows for the read-only listings (benchmarks, MLCubes, datasets, results), from a loaded registry. */
import { type Diagnostic, fail } from '../diagnostics/diagnostic.js';
import { entityPath } from '../registry/layout.js';
import type { LoadedEntity } from '../registry/loader.js';
import type { RegistryIndex } from '../registry/registry-index.js';
import { isSignedResult, markUnsigned } from '../registry/result-signed.js';
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
    signed: isSignedResult(r.entity),
    signedBy: isSignedResult(r.entity) ? (r.entity.spec.execution.runnerRef ?? null) : null,
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

/** A text matrix: one line per model, one column per dataset, the primary metric in each cell. */
export function renderResultTable(t: ResultTable): string {
  if (t.rows.length === 0) return `no results for ${t.benchmark} yet`;
  const cell = (m: string, d: string) => {
    const r = t.rows.find((x) => x.model === m && x.dataset === d);
    if (!r) return '-';
    if (r.encrypted || !r.metrics) return markUnsigned('encrypted', r.signed);
    const v = r.metrics[t.primaryMetric];
    const s = v === undefined ? '?' : Number.isNaN(v) ? 'NaN' : v.toFixed(4);
    const marked = r.partial ? `${s} (partial)` : s;
    return markUnsigned(marked, r.signed);
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
