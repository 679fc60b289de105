// The cubes refuse bad input cleanly (non-zero exit, a message naming the problem, no traceback) and the
// metrics cube handles the edge cases of the metrics.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { examplesDir, type PyResult, params, runCube } from './cube-helpers.js';

const work = mkdtempSync(join(tmpdir(), 'gitperf-examples-errors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => {
  const d = join(work, String(n++));
  mkdirSync(d);
  return d;
};

const siteA = join(examplesDir, 'data', 'sites', 'a');
const rawData = readFileSync(join(siteA, 'data', 'records.csv'), 'utf8');
const rawLabels = readFileSync(join(siteA, 'labels', 'labels.csv'), 'utf8');

async function prepare(data: string, labels: string): Promise<{ r: PyResult; dir: string }> {
  const dir = fresh();
  mkdirSync(join(dir, 'raw'));
  mkdirSync(join(dir, 'rawlabels'));
  writeFileSync(join(dir, 'raw', 'records.csv'), data);
  writeFileSync(join(dir, 'rawlabels', 'labels.csv'), labels);
  const r = await runCube('prep', 'prepare', {
    data_path: join(dir, 'raw'),
    labels_path: join(dir, 'rawlabels'),
    parameters_file: params('prep'),
    output_path: join(dir, 'data'),
    output_labels_path: join(dir, 'labels'),
  });
  return { r, dir };
}

function expectCleanFailure(r: PyResult, message: string): void {
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toContain(message);
  expect(r.stderr).not.toContain('Traceback');
}

describe('bc-prep refuses bad raw exports', () => {
  it('names a missing column', async () => {
    const { r } = await prepare(rawData.replace('worst texture', 'worst textur'), rawLabels);
    expectCleanFailure(r, 'missing column(s): worst texture');
  });

  it('rejects a label that is neither M nor B', async () => {
    const lines = rawLabels.split('\n');
    lines[3] = lines[3].replace(/,[MB]$/, ',X');
    const { r } = await prepare(rawData, lines.join('\n'));
    expectCleanFailure(r, 'diagnosis must be M or B');
  });

  it('rejects a negative measurement', async () => {
    const lines = rawData.split('\n');
    const cells = lines[4].split(',');
    cells[3] = `-${cells[3]}`;
    lines[4] = cells.join(',');
    const { r } = await prepare(lines.join('\n'), rawLabels);
    expectCleanFailure(r, 'mean perimeter out of range');
  });

  it('rejects a sample without a label', async () => {
    const lines = rawLabels.trim().split('\n');
    const { r } = await prepare(rawData, `${lines.slice(0, -1).join('\n')}\n`);
    expectCleanFailure(r, 'no label for 1 sample(s)');
  });

  it('rejects a task it does not have', async () => {
    expectCleanFailure(await runCube('prep', 'infer', {}), "unknown task 'infer'");
  });
});

describe('bc-prep sanity_check', () => {
  it('fails on prepared data whose ids no longer match the labels', async () => {
    const { r, dir } = await prepare(rawData, rawLabels);
    expect(r.exitCode, r.stderr).toBe(0);
    const labelsFile = join(dir, 'labels', 'labels.csv');
    writeFileSync(labelsFile, readFileSync(labelsFile, 'utf8').replace('HA-0001,', 'HA-9999,'));
    const check = await runCube('prep', 'sanity_check', {
      data_path: join(dir, 'data'),
      labels_path: join(dir, 'labels'),
      parameters_file: params('prep'),
    });
    expectCleanFailure(check, 'do not list the same ids');
  });

  it('fails when more values are missing than parameters.yaml allows', async () => {
    const lines = rawData.trim().split('\n');
    const k = lines[0].split(',').indexOf('mean area');
    for (let i = 1; i <= 10; i++) {
      const cells = lines[i].split(',');
      cells[k] = '';
      lines[i] = cells.join(',');
    }
    const { r, dir } = await prepare(`${lines.join('\n')}\n`, rawLabels);
    expect(r.exitCode, r.stderr).toBe(0);
    const check = await runCube('prep', 'sanity_check', {
      data_path: join(dir, 'data'),
      labels_path: join(dir, 'labels'),
      parameters_file: params('prep'),
    });
    expectCleanFailure(check, 'area_mean: 10 of 130 values missing');
  });
});

async function evaluate(
  preds: string | null,
  labels: string,
): Promise<{ r: PyResult; results: Record<string, number> }> {
  const dir = fresh();
  mkdirSync(join(dir, 'predictions'));
  mkdirSync(join(dir, 'labels'));
  if (preds !== null) writeFileSync(join(dir, 'predictions', 'predictions.csv'), preds);
  writeFileSync(join(dir, 'labels', 'labels.csv'), labels);
  const out = join(dir, 'results.yaml');
  const r = await runCube('metrics', 'evaluate', {
    predictions: join(dir, 'predictions'),
    labels: join(dir, 'labels'),
    parameters_file: params('metrics'),
    output_path: out,
  });
  return { r, results: r.exitCode === 0 ? parse(readFileSync(out, 'utf8')) : {} };
}

const labels4 = 'id,label\np1,1\np2,1\nn1,0\nn2,0\n';

describe('bc-metrics evaluate', () => {
  it('counts tied scores as half in the AUC and thresholds at 0.5 exclusive', async () => {
    // p1 0.9 beats both negatives; p2 0.5 ties n1 (0.5) and beats n2 (0.1): AUC = (2 + 1.5) / 4.
    const { r, results } = await evaluate('id,probability\np1,0.9\np2,0.5\nn1,0.5\nn2,0.1\n', labels4);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(results).toEqual({
      accuracy: 0.75,
      auc: 0.875,
      sensitivity: 0.5,
      specificity: 1,
      f1: 0.666667,
      coverage: 1,
      sufficient_statistics: {
        cases: 4,
        operating_point: { threshold: 0.5, tp: 1, fp: 0, tn: 2, fn: 1 },
        threshold_grid: expect.any(Array),
      },
    });
    // The counts on the grid 0.00..1.00: above 0.4 are p1, p2 and n1; above 0.95 nothing.
    const grid = (results.sufficient_statistics as unknown as { threshold_grid: Record<string, number>[] })
      .threshold_grid;
    expect(grid).toHaveLength(101);
    expect(grid[40]).toEqual({ threshold: 0.4, tp: 2, fp: 1, tn: 1, fn: 0 });
    expect(grid[95]).toEqual({ threshold: 0.95, tp: 0, fp: 0, tn: 2, fn: 2 });
  });

  it('gives .nan for AUC and sensitivity when only negatives were predicted', async () => {
    const { results } = await evaluate('id,probability\nn1,0.2\nn2,0.7\n', labels4);
    expect(Number.isNaN(results.auc)).toBe(true);
    expect(Number.isNaN(results.sensitivity)).toBe(true);
    expect(results.specificity).toBe(0.5);
    expect(results.coverage).toBe(0.5);
  });

  it('gives .nan for every metric and coverage 0 without predictions (a failed model)', async () => {
    const { r, results } = await evaluate(null, labels4);
    expect(r.exitCode).toBe(0);
    for (const k of ['accuracy', 'auc', 'sensitivity', 'specificity', 'f1'])
      expect(Number.isNaN(results[k])).toBe(true);
    expect(results.coverage).toBe(0);
  });

  it('refuses predictions for unknown samples and values that are not probabilities', async () => {
    expectCleanFailure((await evaluate('id,probability\nzz,0.5\n', labels4)).r, 'unknown id(s), e.g. zz');
    expectCleanFailure((await evaluate('id,probability\np1,1.5\n', labels4)).r, 'not a probability');
    expectCleanFailure((await evaluate('sample,score\np1,0.5\n', labels4)).r, 'must start with the header');
  });
});
