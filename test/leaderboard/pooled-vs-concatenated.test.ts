// Pooled numbers from per-site counts must equal the same metrics computed on the concatenated cases:
// on the demo data (the three hospitals, the real cubes) and on random splits of it (fast-check).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type PoolCell, poolMetric } from '../../cli/src/leaderboard/pool.js';
import { gridAuc } from '../../cli/src/leaderboard/statistics.js';
import type { SufficientStatistics } from '../../cli/src/registry/types.generated.js';
import { examplesDir, params, readPairs, runCube, runFlow } from '../examples/cube-helpers.js';

const SITES = ['a', 'b', 'c'] as const;
const MODELS = ['logreg', 'centroid'] as const; // the stump fails at C: no cases to concatenate there
const GRID = Array.from({ length: 101 }, (_, i) => i / 100);
const THRESHOLD = 0.5;

interface Case {
  score: number;
  label: 0 | 1;
}

const work = mkdtempSync(join(tmpdir(), 'gitperf-pooling-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Cases and the cube's own counts per site and model. */
const cases = new Map<string, Case[]>();
const cubeStats = new Map<string, SufficientStatistics>();
const key = (model: string, site: string) => `${model}@${site}`;

function toStats(raw: {
  cases: number;
  operating_point: SufficientStatistics['operatingPoint'];
  threshold_grid: NonNullable<SufficientStatistics['thresholdGrid']>;
}): SufficientStatistics {
  return { cases: raw.cases, operatingPoint: raw.operating_point, thresholdGrid: raw.threshold_grid };
}

beforeAll(async () => {
  await Promise.all(
    SITES.map((s) =>
      runFlow(
        join(examplesDir, 'data', 'sites', s, 'data'),
        join(examplesDir, 'data', 'sites', s, 'labels'),
        join(work, s),
      ),
    ),
  );
  for (const s of SITES) {
    const labels = readPairs(join(work, s, 'dataset', 'labels', 'labels.csv'));
    for (const m of MODELS) {
      const scores = readPairs(join(work, s, 'predictions', m, 'predictions.csv'));
      cases.set(
        key(m, s),
        [...scores].map(([id, p]) => ({ score: Number(p), label: labels.get(id) === '1' ? 1 : 0 })),
      );
      const results = parse(readFileSync(join(work, s, 'results', `${m}.yaml`), 'utf8'));
      cubeStats.set(key(m, s), toStats(results.sufficient_statistics));
    }
  }
}, 120_000);

/** Counts computed directly on cases, the way the metrics cube defines them (positive when score > t). */
function directCounts(all: readonly Case[], t: number) {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const c of all) {
    if (c.score > t) c.label ? tp++ : fp++;
    else c.label ? fn++ : tn++;
  }
  return { threshold: t, tp, fp, tn, fn };
}

function statsOf(all: readonly Case[]): SufficientStatistics {
  return {
    cases: all.length,
    operatingPoint: directCounts(all, THRESHOLD),
    thresholdGrid: GRID.map((t) => directCounts(all, t)),
  };
}

/** The metrics written out by their textbook definitions on the concatenated cases. */
function directMetrics(all: readonly Case[]): Record<string, number> {
  const { tp, fp, tn, fn } = directCounts(all, THRESHOLD);
  return {
    accuracy: (tp + tn) / all.length,
    sensitivity: tp / (tp + fn),
    specificity: tn / (tn + fp),
    precision: tp / (tp + fp),
    f1: (2 * tp) / (2 * tp + fp + fn),
    auc: gridAuc(GRID.map((t) => directCounts(all, t))) as number,
  };
}

const NAMES = ['accuracy', 'sensitivity', 'specificity', 'precision', 'f1', 'auc'];

function expectPooledEqualsDirect(cells: PoolCell[], all: readonly Case[]) {
  const direct = directMetrics(all);
  for (const name of NAMES) {
    const pooled = poolMetric(name, cells);
    expect(pooled.method).not.toBe('case-weighted-mean');
    expect(Math.abs((pooled.value as number) - direct[name]), name).toBeLessThanOrEqual(1e-9);
    expect(pooled.cases).toBe(all.length);
  }
}

describe('pooled vs concatenated on the demo data (hospitals A, B, C)', () => {
  it.each(MODELS)('%s: the cube counts pooled over the sites equal the metrics on all cases', (m) => {
    const cells = SITES.map((s) => ({
      stats: cubeStats.get(key(m, s)) as SufficientStatistics,
      metrics: {},
    }));
    expectPooledEqualsDirect(
      cells,
      SITES.flatMap((s) => cases.get(key(m, s)) ?? []),
    );
  });

  it.each(MODELS)(
    '%s: the metrics cube run on the concatenated cases writes the pooled counts',
    async (m) => {
      const dir = join(work, `concat-${m}`);
      const all = SITES.flatMap((s) => {
        const labels = readPairs(join(work, s, 'dataset', 'labels', 'labels.csv'));
        const scores = readPairs(join(work, s, 'predictions', m, 'predictions.csv'));
        return [...scores].map(([id, p]) => ({ id, p, y: labels.get(id) }));
      });
      mkdirSync(join(dir, 'p'), { recursive: true });
      writeFileSync(
        join(dir, 'p', 'predictions.csv'),
        `id,probability\n${all.map((c) => `${c.id},${c.p}`).join('\n')}\n`,
      );
      writeFileSync(join(dir, 'labels.csv'), `id,label\n${all.map((c) => `${c.id},${c.y}`).join('\n')}\n`);
      const r = await runCube('metrics', 'evaluate', {
        predictions: join(dir, 'p'),
        labels: join(dir, 'labels.csv'),
        parameters_file: params('metrics'),
        output_path: join(dir, 'results.yaml'),
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const concatenated = toStats(
        parse(readFileSync(join(dir, 'results.yaml'), 'utf8')).sufficient_statistics,
      );
      const cells = SITES.map((s) => ({
        stats: cubeStats.get(key(m, s)) as SufficientStatistics,
        metrics: {},
      }));
      for (const name of NAMES) {
        const pooled = poolMetric(name, cells).value as number;
        const whole = poolMetric(name, [{ stats: concatenated, metrics: {} }]).value as number;
        expect(Math.abs(pooled - whole), name).toBeLessThanOrEqual(1e-9);
      }
    },
  );
});

describe('pooled vs concatenated on random splits (property)', () => {
  it("holds for any assignment of the reference model's demo cases to 1..8 sites", () => {
    const all = SITES.flatMap((s) => cases.get(key('logreg', s)) ?? []);
    expect(all.length).toBe(339);
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 8 })
          .chain((k) =>
            fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: all.length, maxLength: all.length }),
          ),
        (assignment) => {
          const bySite = new Map<number, Case[]>();
          for (const [i, site] of assignment.entries())
            bySite.set(site, [...(bySite.get(site) ?? []), all[i]]);
          const cells = [...bySite.values()].map((part) => ({ stats: statsOf(part), metrics: {} }));
          expectPooledEqualsDirect(cells, all);
        },
      ),
      { numRuns: 200 },
    );
  });
});
