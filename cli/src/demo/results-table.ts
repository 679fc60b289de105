/**
 * The demo's final picture: a per-model, per-dataset table of a benchmark's merged results on its primary
 * metric (partial results marked), and one line per model summarising them.
 */
import type { RegistryIndex } from '../registry/registry-index.js';

export interface ResultCell {
  value: number;
  partial: boolean;
}

export interface ResultsTable {
  benchmark: string;
  metric: string;
  higherIsBetter: boolean;
  models: string[];
  datasets: string[];
  /** cells[model][dataset]; absent when no result is merged for the pair. */
  cells: Record<string, Record<string, ResultCell>>;
  summaries: Array<{ model: string; line: string; mean: number | null; datasets: number; partial: number }>;
}

export function resultsTable(index: RegistryIndex, benchmark: string): ResultsTable {
  const b = index.get('Benchmark', benchmark);
  if (!b) throw new Error(`no benchmark ${benchmark}`);
  const metric = b.entity.spec.policy.primaryMetric;
  const higherIsBetter = b.entity.spec.policy.higherIsBetter;
  const ref = b.entity.spec.referenceModel;
  const assoc = index
    .modelAssociations(benchmark)
    .map((a) => ({ m: a.entity.spec.model, p: a.entity.spec.priority ?? 0 }))
    .sort((x, y) => y.p - x.p || (x.m < y.m ? -1 : 1))
    .map((a) => a.m);
  const models = [ref, ...assoc.filter((m) => m !== ref)];
  const datasets = index
    .datasetAssociations(benchmark)
    .map((a) => a.entity.spec.dataset)
    .sort();
  const cells: ResultsTable['cells'] = {};
  for (const r of index.results(benchmark)) {
    const s = r.entity.spec;
    const v = s.metrics?.[metric];
    if (typeof v !== 'number') continue;
    cells[s.model] ??= {};
    cells[s.model][s.dataset] = { value: v, partial: s.partial };
  }
  const summaries = models.map((model) => {
    const row = Object.values(cells[model] ?? {});
    const full = row.filter((c) => !c.partial && !Number.isNaN(c.value));
    const partial = row.filter((c) => c.partial).length;
    const mean = full.length ? full.reduce((s, c) => s + c.value, 0) / full.length : null;
    const role = model === ref ? 'reference model' : 'model';
    const line =
      `${model} (${role}): ` +
      (mean === null ? `no complete result` : `mean ${metric} ${fmt(mean)} over ${full.length} dataset(s)`) +
      (partial ? `; failed on ${partial} dataset(s) (partial result${partial > 1 ? 's' : ''})` : '') +
      (row.length < datasets.length ? `; ${datasets.length - row.length} dataset(s) without a result` : '');
    return { model, line, mean, datasets: row.length, partial };
  });
  return { benchmark, metric, higherIsBetter, models, datasets, cells, summaries };
}

function fmt(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v.toFixed(3);
}

/** The table as text: one row per model, one column per dataset; `*` marks a partial result. */
export function renderResultsTable(t: ResultsTable): string {
  const head = [`model \\ dataset (${t.metric})`, ...t.datasets];
  const rows = t.models.map((m) => [
    m,
    ...t.datasets.map((d) => {
      const c = t.cells[m]?.[d];
      return c ? `${fmt(c.value)}${c.partial ? '*' : ''}` : '-';
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (Object.values(t.cells).some((r) => Object.values(r).some((c) => c.partial)))
    out.push('* partial: the model failed on part of that dataset (metrics of what it produced)');
  return out.join('\n');
}
