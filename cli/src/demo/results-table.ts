/**
 * The demo's closing lines: one sentence per model summarising its merged results on the benchmark's
 * primary metric, from the same table `gitperf result list` prints (cli/src/submission/listings.ts).
 */
import type { RegistryIndex } from '../registry/registry-index.js';
import { decryptResultTable, type ResultTable, resultTable } from '../submission/listings.js';

export interface ModelSummary {
  model: string;
  /** Mean of the primary metric over the datasets with a complete result; null when there is none. */
  mean: number | null;
  complete: number;
  partial: number;
  line: string;
}

export interface DemoResults {
  table: ResultTable;
  summaries: ModelSummary[];
}

/** `identities`: a reader's age identities (the demo's committee member), to read encrypted results. */
export async function demoResults(
  index: RegistryIndex,
  benchmark: string,
  identities: readonly string[] = [],
): Promise<DemoResults> {
  const table = await decryptResultTable(index, resultTable(index, benchmark), identities);
  const benchmarkEntity = index.get('Benchmark', benchmark);
  const ref = benchmarkEntity?.entity.spec.referenceModel;
  const datasets = index.datasetAssociations(benchmark).length;
  const metric = table.primaryMetric;
  const order = [...table.models].sort((x, y) => (x === ref ? -1 : y === ref ? 1 : x.localeCompare(y)));
  const summaries = order.map((model) => {
    const rows = table.rows.filter((r) => r.model === model);
    const values = rows
      .filter(
        (row) =>
          !row.partial &&
          row.metrics &&
          typeof row.metrics[metric] === 'number' &&
          !Number.isNaN(row.metrics[metric]),
      )
      .map((r) => (r.metrics as Record<string, number>)[metric]);
    const partial = rows.filter((r) => r.partial).length;
    const mean = values.length ? values.reduce((s, v) => s + v, 0) / values.length : null;
    const parts = [
      mean === null
        ? 'no complete result'
        : `mean ${metric} ${mean.toFixed(4)} over ${values.length} dataset(s)`,
      ...(partial ? [`failed on ${partial} dataset(s): partial result${partial > 1 ? 's' : ''}`] : []),
      ...(rows.length < datasets ? [`${datasets - rows.length} dataset(s) without a result`] : []),
    ];
    return {
      model,
      mean,
      complete: values.length,
      partial,
      line: `${model}${model === ref ? ' (reference model)' : ''}: ${parts.join('; ')}`,
    };
  });
  return { table, summaries };
}
