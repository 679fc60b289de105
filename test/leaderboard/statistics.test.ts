import { describe, expect, it } from 'vitest';
import { caseWeightedMean, pooledMetricNames, poolMetric } from '../../cli/src/leaderboard/pool.js';
import { countMetric, gridAuc, hanleyMcNeil, median, wilson } from '../../cli/src/leaderboard/statistics.js';
import { checkPublication, planPool } from '../../cli/src/leaderboard/suppression.js';

describe('intervals', () => {
  it('Wilson: 81 of 263 (the textbook example) and the edges', () => {
    // Newcombe (1998), method 3: 81/263 -> 0.2553 to 0.3662.
    const i = wilson(81, 263);
    expect(i?.low).toBeCloseTo(0.2553, 4);
    expect(i?.high).toBeCloseTo(0.3662, 4);
    expect(wilson(0, 10)?.low).toBe(0);
    expect(wilson(10, 10)?.high).toBeCloseTo(1, 12);
    expect(wilson(0, 0)).toBeUndefined();
  });

  it('Hanley-McNeil: AUC 0.9 with 50 positives and 50 negatives', () => {
    // SE from the paper's formula: sqrt((A(1-A) + 49(Q1-A²) + 49(Q2-A²)) / 2500) = 0.0305...
    const i = hanleyMcNeil(0.9, 50, 50) as { low: number; high: number };
    const q1 = 0.9 / 1.1;
    const q2 = (2 * 0.81) / 1.9;
    const se = Math.sqrt((0.09 + 49 * (q1 - 0.81) + 49 * (q2 - 0.81)) / 2500);
    expect(i.low).toBeCloseTo(0.9 - 1.959963984540054 * se, 12);
    expect(i.high).toBeCloseTo(0.9 + 1.959963984540054 * se, 12);
    expect(hanleyMcNeil(0.9, 0, 10)).toBeUndefined();
  });
});

describe('count metrics and the threshold-grid AUC', () => {
  it('recomputes each metric from counts; F1 has no interval; zero denominators give no value', () => {
    const c = { tp: 40, fp: 10, tn: 45, fn: 5 };
    expect(countMetric('accuracy', c).value).toBe(0.85);
    expect(countMetric('sensitivity', c).value).toBeCloseTo(40 / 45, 15);
    expect(countMetric('specificity', c).value).toBeCloseTo(45 / 55, 15);
    expect(countMetric('precision', c).value).toBe(0.8);
    expect(countMetric('f1', c)).toEqual({ value: 80 / 95 });
    expect(countMetric('sensitivity', { tp: 0, fp: 3, tn: 2, fn: 0 })).toEqual({});
  });

  it('a perfect separation has AUC 1, a useless score 0.5, one class none', () => {
    const perfect = [
      { tp: 5, fp: 5, tn: 0, fn: 0 },
      { tp: 5, fp: 0, tn: 5, fn: 0 },
      { tp: 0, fp: 0, tn: 5, fn: 5 },
    ];
    expect(gridAuc(perfect)).toBe(1);
    expect(gridAuc([{ tp: 3, fp: 3, tn: 3, fn: 3 }])).toBe(0.5);
    expect(gridAuc([{ tp: 0, fp: 3, tn: 3, fn: 0 }])).toBeUndefined();
  });

  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('pooling', () => {
  const site = (cases: number, tp: number, fp: number, tn: number, fn: number, coverage: number) => ({
    stats: { cases, operatingPoint: { threshold: 0.5, tp, fp, tn, fn } },
    metrics: { accuracy: (tp + tn) / cases, coverage },
  });

  it('pools accuracy exactly, not as a mean of site accuracies', () => {
    const cells = [site(100, 40, 0, 50, 10, 1), site(10, 0, 5, 5, 0, 0.5)];
    const pooled = poolMetric('accuracy', cells);
    expect(pooled).toMatchObject({ value: 95 / 110, method: 'counts', sites: 2, cases: 110 });
    expect(pooled.value).not.toBeCloseTo((0.9 + 0.5) / 2, 3);
  });

  it('labels a metric without a count form as a case-weighted mean, skipping .nan', () => {
    const cells = [site(100, 40, 0, 50, 10, 1), site(10, 0, 5, 5, 0, 0.5), site(5, 0, 0, 5, 0, Number.NaN)];
    expect(caseWeightedMean('coverage', cells)).toEqual({
      name: 'coverage',
      value: (100 + 5) / 110,
      method: 'case-weighted-mean',
      sites: 2,
      cases: 110,
    });
  });

  it('falls back to a labelled mean for the AUC when a site has no threshold grid', () => {
    const cells = [site(100, 40, 0, 50, 10, 1), site(10, 0, 5, 5, 0, 0.5)];
    expect(poolMetric('auc', cells).method).toBe('case-weighted-mean');
  });

  it('lists the reported metrics plus the count metrics none of them covers', () => {
    expect(pooledMetricNames(['auc', 'recall', 'coverage'], true)).toEqual([
      'auc',
      'recall',
      'coverage',
      'accuracy',
      'specificity',
      'precision',
      'f1',
    ]);
    expect(pooledMetricNames(['coverage'], false)).toEqual(['coverage']);
  });
});

describe('small-cell suppression', () => {
  const cases = new Map([
    ['big-a', 100],
    ['big-b', 80],
    ['small', 7],
  ]);

  it('refuses publishing the pooled value with and without a site below the threshold', () => {
    const refused = checkPublication(
      [
        { label: 'pooled over all sites', sites: ['big-a', 'big-b', 'small'] },
        { label: 'pooled without the small site', sites: ['big-a', 'big-b'] },
      ],
      cases,
      20,
    );
    expect(refused.map((d) => d.code)).toEqual(['leaderboard.recoverable-by-subtraction']);
    expect(refused[0].message).toContain('7 case(s)');
  });

  it('refuses a pool whose published site values leave only the small site', () => {
    const refused = checkPublication(
      [
        { label: 'pooled', sites: ['big-a', 'big-b', 'small'] },
        { label: 'site a', sites: ['big-a'] },
        { label: 'site b', sites: ['big-b'] },
      ],
      cases,
      20,
    );
    expect(refused.map((d) => d.code)).toEqual(['leaderboard.recoverable-by-subtraction']);
  });

  it('refuses a number computed from too few cases, and accepts safe combinations', () => {
    expect(checkPublication([{ label: 'site', sites: ['small'] }], cases, 20).map((d) => d.code)).toEqual([
      'leaderboard.small-cell',
    ]);
    expect(
      checkPublication(
        [
          { label: 'pooled', sites: ['big-a', 'big-b', 'small'] },
          { label: 'site a', sites: ['big-a'] },
        ],
        cases,
        20,
      ),
    ).toEqual([]);
    expect(checkPublication([{ label: 'pooled', sites: ['big-a', 'small'] }], cases, 20)).toEqual([]);
  });

  it('plans pools the check accepts at every level', () => {
    const sites = [...cases].map(([site, n]) => ({ site, cases: n }));
    const aggregate = planPool(sites, 'aggregate', 20);
    expect(aggregate).toMatchObject({ pooled: ['big-a', 'big-b', 'small'], shown: [], leftOut: [] });
    for (const level of ['per-model', 'full'] as const) {
      const plan = planPool(sites, level, 20);
      expect(plan).toMatchObject({
        pooled: ['big-a', 'big-b'],
        shown: ['big-a', 'big-b'],
        leftOut: ['small'],
      });
      const published = [
        { label: 'pool', sites: plan.pooled },
        ...plan.shown.map((s) => ({ label: s, sites: [s] })),
      ];
      expect(checkPublication(published, cases, 20)).toEqual([]);
    }
    // Two small sites that together reach the threshold stay in the pool.
    const twoSmall = planPool([...sites, { site: 'small-2', cases: 15 }], 'full', 20);
    expect(twoSmall.pooled).toContain('small');
    expect(twoSmall.leftOut).toEqual([]);
    expect(planPool([{ site: 'small', cases: 7 }], 'aggregate', 20).poolPublished).toBe(false);
  });
});
