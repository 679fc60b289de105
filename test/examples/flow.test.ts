// The whole MedPerf flow on the example data, running each cube's entrypoint directly with python3:
// prepare -> sanity_check -> statistics -> infer (3 models) -> evaluate, on the demo tarball and on each site.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x as extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  cubesDir,
  examplesDir,
  type FlowResult,
  logregWeights,
  models,
  readPairs,
  readTree,
  runFlow,
} from './cube-helpers.js';

const work = mkdtempSync(join(tmpdir(), 'gitperf-examples-flow-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The reference model's weights as MedPerf delivers them: the additional-files tarball extracted into a folder.
const additionalFiles = join(work, 'additional_files');
const weights = join(additionalFiles, 'weights.csv');
beforeAll(async () => {
  mkdirSync(additionalFiles);
  await extract({ file: join(cubesDir, 'logreg', 'additional_files.tar.gz'), cwd: additionalFiles });
});

it('ships the logreg weights in its additional-files tarball (same bytes as the workspace copy)', () => {
  expect(readFileSync(weights).equals(readFileSync(logregWeights))).toBe(true);
});

const sites = ['a', 'b', 'c'] as const;
const siteInput = (s: string) => ({
  data: join(examplesDir, 'data', 'sites', s, 'data'),
  labels: join(examplesDir, 'data', 'sites', s, 'labels'),
});

/** Metrics recomputed here from predictions.csv and labels.csv, with a different AUC algorithm (all pairs). */
function recompute(predFile: string, labelsFile: string): Record<string, number> {
  const preds = readPairs(predFile);
  const labels = readPairs(labelsFile);
  const pos: number[] = [];
  const neg: number[] = [];
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (const [id, p] of preds) {
    const score = Number(p);
    const y = labels.get(id);
    if (y === '1') {
      pos.push(score);
      if (score > 0.5) tp++;
      else fn++;
    } else {
      neg.push(score);
      if (score > 0.5) fp++;
      else tn++;
    }
  }
  let wins = 0;
  for (const a of pos) for (const b of neg) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return {
    accuracy: (tp + tn) / preds.size,
    auc: wins / (pos.length * neg.length),
    sensitivity: tp / (tp + fn),
    specificity: tn / (tn + fp),
    f1: (2 * tp) / (2 * tp + fp + fn),
  };
}

describe('example cubes on the demo tarball', () => {
  let flow: FlowResult;
  let root: string;
  beforeAll(async () => {
    root = join(work, 'demo-extracted');
    mkdirSync(root);
    await extract({ file: join(examplesDir, 'data', 'demo', 'demo.tar.gz'), cwd: root });
    const paths = parse(readFileSync(join(root, 'paths.yaml'), 'utf8'));
    flow = await runFlow(
      join(root, paths.data_path),
      join(root, paths.labels_path),
      join(work, 'demo'),
      weights,
    );
  });

  it('has MedPerf demo layout: paths.yaml names the raw data and labels folders', () => {
    const paths = parse(readFileSync(join(root, 'paths.yaml'), 'utf8'));
    expect(paths).toEqual({ data_path: 'demo_data/data', labels_path: 'demo_data/labels' });
  });

  it('prepares and describes 30 samples', () => {
    expect(flow.statistics.num_samples).toBe(30);
    expect(flow.statistics.num_malignant + flow.statistics.num_benign).toBe(30);
    expect(flow.statistics.num_features).toBe(30);
  });

  it('runs all three models to sensible metrics', () => {
    for (const m of models) {
      expect(flow.infer[m].exitCode, flow.infer[m].stderr).toBe(0);
      const r = flow.metrics[m] as Record<string, number>;
      expect(Object.keys(r).sort()).toEqual([
        'accuracy',
        'auc',
        'coverage',
        'f1',
        'sensitivity',
        'specificity',
        'sufficient_statistics',
      ]);
      // The counts beside the metrics cover the 30 demo cases.
      expect((r.sufficient_statistics as unknown as { cases: number }).cases).toBe(30);
      expect(r.coverage).toBe(1);
      expect(r.auc).toBeGreaterThan(0.8);
    }
  });
});

describe('example cubes at the three hospital sites', () => {
  const flows = new Map<string, FlowResult>();
  beforeAll(async () => {
    // The sites are independent: run them side by side (the machine has two cores).
    const done = await Promise.all(
      sites.map((s) => runFlow(siteInput(s).data, siteInput(s).labels, join(work, `site-${s}`), weights)),
    );
    for (const [i, s] of sites.entries()) flows.set(s, done[i]);
  });

  it('prepares every site, missing values only at site C', () => {
    const expected = { a: 130, b: 110, c: 99 };
    for (const s of sites) {
      const st = flows.get(s)?.statistics as Record<string, number>;
      expect(st.num_samples).toBe(expected[s]);
      expect(st.missing_values).toBe(s === 'c' ? 3 : 0);
    }
  });

  it('has empty cells only where examples/README.md says: worst concave points of HC-0007, HC-0042, HC-0088', () => {
    const empty: string[] = [];
    for (const s of sites) {
      const lines = readFileSync(join(siteInput(s).data, 'records.csv'), 'utf8')
        .trim()
        .split(/\r?\n/);
      const header = lines[0].split(',');
      for (const line of lines.slice(1)) {
        const cells = line.split(',');
        cells.forEach((c, k) => {
          if (c === '') empty.push(`${cells[0]} ${header[k]}`);
        });
      }
    }
    expect(empty).toEqual(['HC-0007', 'HC-0042', 'HC-0088'].map((id) => `${id} worst concave points`));
  });

  it('prepares site B (other column order, CRLF) into the same format as site A', () => {
    const header = (s: string) =>
      readFileSync(join(work, `site-${s}`, 'dataset', 'data', 'data.csv'), 'utf8').split('\n')[0];
    expect(header('b')).toBe(header('a'));
    expect(readFileSync(join(work, 'site-b', 'dataset', 'data', 'data.csv'), 'utf8')).not.toContain('\r');
  });

  it('normalises with the fixed statistics of parameters.yaml (checked against the raw export)', () => {
    const prep = parse(
      readFileSync(join(examplesDir, 'cubes', 'prep', 'workspace', 'parameters.yaml'), 'utf8'),
    );
    const raw = readFileSync(join(siteInput('b').data, 'records.csv'), 'utf8').split('\r\n');
    const rawHeader = raw[0].split(',');
    const rawRow = raw[5].split(',');
    const prepared = readFileSync(join(work, 'site-b', 'dataset', 'data', 'data.csv'), 'utf8').split('\n');
    const prepHeader = prepared[0].split(',');
    const row = prepared.find((l) => l.startsWith(`${rawRow[0]},`))?.split(',') as string[];
    for (const f of prep.features as { raw: string; name: string; mean: number; std: number }[]) {
      const v = Number(rawRow[rawHeader.indexOf(f.raw)]);
      expect(Number(row[prepHeader.indexOf(f.name)])).toBeCloseTo((v - f.mean) / f.std, 5);
    }
  });

  it('gives the reference model an AUC well above 0.9 at every site', () => {
    for (const s of sites) {
      const r = flows.get(s)?.metrics.logreg as Record<string, number>;
      expect(r.auc).toBeGreaterThan(0.95);
      expect(r.accuracy).toBeGreaterThan(0.9);
      expect(r.coverage).toBe(1);
    }
  });

  it('computes the metrics the cube reports (recomputed independently from the files)', () => {
    for (const s of sites) {
      for (const m of models) {
        const r = flows.get(s)?.metrics[m];
        if (!r) continue;
        const want = recompute(
          join(work, `site-${s}`, 'predictions', m, 'predictions.csv'),
          join(work, `site-${s}`, 'dataset', 'labels', 'labels.csv'),
        );
        for (const [k, v] of Object.entries(want)) expect(r[k], `${s} ${m} ${k}`).toBeCloseTo(v, 5);
      }
    }
  });

  it('keeps every metric of the working models in [0, 1] and better than chance', () => {
    for (const s of sites) {
      for (const m of models) {
        const r = flows.get(s)?.metrics[m];
        if (!r) continue;
        for (const [k, v] of Object.entries(r))
          if (k !== 'sufficient_statistics') expect(v >= 0 && v <= 1).toBe(true);
        expect(r.auc).toBeGreaterThan(0.85);
      }
    }
  });

  it('fails the stump model exactly at site C, with a clean non-zero exit and no predictions', () => {
    for (const s of sites) {
      const inf = flows.get(s)?.infer.stump;
      if (s === 'c') {
        expect(inf?.exitCode).toBe(1);
        expect(inf?.stderr).toContain('bc-stump: infer failed: could not convert string to float');
        expect(inf?.stderr).not.toContain('Traceback');
        // MedPerf evaluates a failed model's (missing) predictions for a partial result: all metrics .nan.
        const partial = flows.get(s)?.partialMetrics.stump as Record<string, number>;
        expect(partial.coverage).toBe(0);
        expect(Number.isNaN(partial.auc)).toBe(true);
        expect(Number.isNaN(partial.accuracy)).toBe(true);
      } else {
        expect(inf?.exitCode, inf?.stderr).toBe(0);
      }
    }
    for (const s of sites)
      for (const m of ['logreg', 'centroid'] as const) expect(flows.get(s)?.infer[m].exitCode).toBe(0);
  });

  it('produces byte-identical outputs when the flow runs again', async () => {
    await runFlow(siteInput('a').data, siteInput('a').labels, join(work, 'site-a-again'), weights);
    const first = readTree(join(work, 'site-a'));
    const second = readTree(join(work, 'site-a-again'));
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [k, v] of first) expect(second.get(k)?.equals(v), k).toBe(true);
  });
});
