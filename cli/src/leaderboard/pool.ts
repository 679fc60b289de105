/**
 * Pooling results across sites. With sufficient statistics the counts are summed and the metrics
 * recomputed exactly (Wilson intervals; threshold-grid AUC with a Hanley-McNeil interval); a metric
 * with no count form is a case-weighted mean of the sites' values, and says so.
 */
import type { SufficientStatistics } from '../registry/types.generated.js';
import {
  addCounts,
  COUNT_METRICS,
  type CountMetric,
  type Counts,
  countMetric,
  gridAuc,
  hanleyMcNeil,
  type Interval,
  ZERO_COUNTS,
} from './statistics.js';

/** One site's contribution: its cases and counts, and the metrics its cube reported. */
export interface PoolCell {
  stats: SufficientStatistics;
  metrics: Readonly<Record<string, number>>;
}

export type PoolMethod = 'counts' | 'threshold-grid-auc' | 'case-weighted-mean';

export interface PooledMetric {
  name: string;
  /** undefined when the metric is undefined on the pool (no cases, one class, only .nan values). */
  value?: number;
  interval?: Interval;
  method: PoolMethod;
  /** Sites and cases the number is computed from. */
  sites: number;
  cases: number;
}

/** What each method means, for people: shown beside every pooled number. */
export const METHOD_LABELS: Record<PoolMethod, string> = {
  counts: 'exact from pooled counts',
  'threshold-grid-auc': 'threshold-grid AUC (trapezoid over pooled counts)',
  'case-weighted-mean': 'case-weighted mean of site values (no sufficient statistics for this metric)',
};

/** The interval each method carries, for people. */
export function intervalLabel(metric: PooledMetric): string {
  if (!metric.interval) return 'no interval';
  return metric.method === 'threshold-grid-auc' ? 'Hanley-McNeil 95%' : 'Wilson 95%';
}

/** Reported metric names that have a count form, by their canonical name. */
const ALIASES: Readonly<Record<string, CountMetric | 'auc'>> = {
  accuracy: 'accuracy',
  sensitivity: 'sensitivity',
  recall: 'sensitivity',
  tpr: 'sensitivity',
  specificity: 'specificity',
  tnr: 'specificity',
  precision: 'precision',
  ppv: 'precision',
  f1: 'f1',
  f1_score: 'f1',
  auc: 'auc',
  roc_auc: 'auc',
};

export function canonicalMetric(name: string): CountMetric | 'auc' | undefined {
  return ALIASES[name.toLowerCase()];
}

/** The metric names a pool reports: every reported name, plus the count metrics none of them covers. */
export function pooledMetricNames(reported: Iterable<string>, haveCounts: boolean): string[] {
  const names = [...new Set(reported)];
  if (!haveCounts) return names;
  const covered = new Set(names.map(canonicalMetric));
  for (const metricName of COUNT_METRICS) if (!covered.has(metricName)) names.push(metricName);
  return names;
}

function sumCases(cells: readonly PoolCell[]): number {
  let total = 0;
  for (const cell of cells) total += cell.stats.cases;
  return total;
}

/** The summed grids when every cell has a grid on the same thresholds; undefined otherwise. */
function summedGrid(cells: readonly PoolCell[]): Counts[] | undefined {
  const first = cells[0]?.stats.thresholdGrid;
  if (!first) return undefined;
  const sums = first.map((p) => ({ tp: p.tp, fp: p.fp, tn: p.tn, fn: p.fn }));
  for (let i = 1; i < cells.length; i++) {
    const grid = cells[i].stats.thresholdGrid;
    if (!grid || grid.length !== first.length) return undefined;
    for (let j = 0; j < grid.length; j++) {
      const point = grid[j];
      if (point.threshold !== first[j].threshold) return undefined;
      const sum = sums[j];
      sum.tp += point.tp;
      sum.fp += point.fp;
      sum.tn += point.tn;
      sum.fn += point.fn;
    }
  }
  return sums;
}

/** Pooled operating-point counts of the cells. */
export function pooledCounts(cells: readonly PoolCell[]): Counts {
  let total = ZERO_COUNTS;
  for (const cell of cells) total = addCounts(total, cell.stats.operatingPoint);
  return total;
}

/** Case-weighted mean of a reported metric over the cells that report a number for it. */
export function caseWeightedMean(name: string, cells: readonly PoolCell[]): PooledMetric {
  let weighted = 0;
  let cases = 0;
  let sites = 0;
  for (const cell of cells) {
    const value = cell.metrics[name];
    if (typeof value !== 'number' || Number.isNaN(value) || cell.stats.cases <= 0) continue;
    weighted += value * cell.stats.cases;
    cases += cell.stats.cases;
    sites++;
  }
  return {
    name,
    ...(cases > 0 ? { value: weighted / cases } : {}),
    method: 'case-weighted-mean',
    sites,
    cases,
  };
}

/** One metric pooled over the cells (all of which carry sufficient statistics). */
export function poolMetric(name: string, cells: readonly PoolCell[]): PooledMetric {
  const canonical = canonicalMetric(name);
  const sites = cells.filter((c) => c.stats.cases > 0).length;
  const cases = sumCases(cells);
  if (canonical === 'auc') {
    const grid = summedGrid(cells);
    if (!grid) return caseWeightedMean(name, cells);
    const positives = grid[0].tp + grid[0].fn;
    const negatives = grid[0].fp + grid[0].tn;
    const value = gridAuc(grid);
    const interval = value === undefined ? undefined : hanleyMcNeil(value, positives, negatives);
    return {
      name,
      ...(value === undefined ? {} : { value }),
      ...(interval ? { interval } : {}),
      method: 'threshold-grid-auc',
      sites,
      cases,
    };
  }
  if (canonical) {
    const estimate = countMetric(canonical, pooledCounts(cells));
    return { name, ...estimate, method: 'counts', sites, cases };
  }
  return caseWeightedMean(name, cells);
}
