/**
 * Exact metrics from confusion counts, their 95% intervals, and the ROC-AUC of a threshold grid. Pure
 * arithmetic: counts add across sites, so everything here works the same on one site or on a pool.
 */

/** The two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

export interface Counts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface ThresholdCounts extends Counts {
  threshold: number;
}

export interface Interval {
  low: number;
  high: number;
}

/** The metrics recomputed exactly from counts, by their canonical names. */
export const COUNT_METRICS = ['accuracy', 'sensitivity', 'specificity', 'precision', 'f1'] as const;
export type CountMetric = (typeof COUNT_METRICS)[number];

export interface Estimate {
  /** undefined when the metric is undefined on these counts (a zero denominator). */
  value?: number;
  interval?: Interval;
}

export function addCounts(left: Counts, right: Counts): Counts {
  return { tp: left.tp + right.tp, fp: left.fp + right.fp, tn: left.tn + right.tn, fn: left.fn + right.fn };
}

export const ZERO_COUNTS: Counts = Object.freeze({ tp: 0, fp: 0, tn: 0, fn: 0 });

/** Wilson score interval for `successes` out of `trials` (95%); undefined with no trials. */
export function wilson(successes: number, trials: number, zScore = Z95): Interval | undefined {
  if (trials <= 0) return undefined;
  const share = successes / trials;
  const z2 = zScore * zScore;
  const denominator = 1 + z2 / trials;
  const centre = (share + z2 / (2 * trials)) / denominator;
  const half =
    (zScore / denominator) * Math.sqrt((share * (1 - share)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

function proportion(successes: number, trials: number): Estimate {
  if (trials <= 0) return {};
  return { value: successes / trials, interval: wilson(successes, trials) };
}

/**
 * One count metric. F1 is not a proportion of cases, so it gets no interval (a bootstrap would need
 * the cases); the others are binomial proportions with Wilson intervals.
 */
export function countMetric(name: CountMetric, counts: Counts): Estimate {
  switch (name) {
    case 'accuracy':
      return proportion(counts.tp + counts.tn, counts.tp + counts.fp + counts.tn + counts.fn);
    case 'sensitivity':
      return proportion(counts.tp, counts.tp + counts.fn);
    case 'specificity':
      return proportion(counts.tn, counts.tn + counts.fp);
    case 'precision':
      return proportion(counts.tp, counts.tp + counts.fp);
    case 'f1': {
      const denominator = 2 * counts.tp + counts.fp + counts.fn;
      return denominator > 0 ? { value: (2 * counts.tp) / denominator } : {};
    }
  }
}

/**
 * ROC-AUC from counts on a grid of thresholds: the ROC points (false-positive rate, true-positive
 * rate) of every threshold plus the corners (0,0) and (1,1), joined by the trapezoid rule. It equals
 * the rank (Mann-Whitney) AUC only when no two scores of different classes share a grid cell, so it
 * is always reported as the threshold-grid AUC. undefined with one class only.
 */
export function gridAuc(grid: readonly Counts[]): number | undefined {
  if (grid.length === 0) return undefined;
  const positives = grid[0].tp + grid[0].fn;
  const negatives = grid[0].fp + grid[0].tn;
  if (positives <= 0 || negatives <= 0) return undefined;
  const points = grid.map((c) => ({ x: c.fp / negatives, y: c.tp / positives }));
  points.push({ x: 0, y: 0 }, { x: 1, y: 1 });
  points.sort((a, b) => a.x - b.x || a.y - b.y);
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    area += ((points[i].x - points[i - 1].x) * (points[i].y + points[i - 1].y)) / 2;
  }
  return area;
}

/** Hanley & McNeil (1982) standard error of an AUC, as a 95% interval clipped to [0, 1]. */
export function hanleyMcNeil(auc: number, positives: number, negatives: number): Interval | undefined {
  if (positives <= 0 || negatives <= 0) return undefined;
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  const variance =
    (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) /
    (positives * negatives);
  const se = Math.sqrt(Math.max(0, variance));
  return { low: Math.max(0, auc - Z95 * se), high: Math.min(1, auc + Z95 * se) };
}

/** The median of a non-empty list (mean of the two middle values when even). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
