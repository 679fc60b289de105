/**
 * Reading what cubes write, with MedPerf's checks (mlcube.md §8): statistics.yaml must be non-empty
 * YAML; results.yaml must be a flat mapping of metric name to number (`.nan` allowed); a demo tarball's
 * paths.yaml names the data and labels folders relative to its root.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fail } from '../diagnostics/diagnostic.js';
import type { ConfusionCounts, SufficientStatistics } from '../registry/types.generated.js';
import { parseYaml } from './atomic.js';

const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

async function readYaml(file: string, code: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return fail(code, `${what} did not write ${file}; see the task's log`, { file });
  }
  try {
    return parseYaml(text);
  } catch (e) {
    return fail(code, `${what} wrote invalid YAML: ${(e as Error).message.split('\n')[0]}`, { file });
  }
}

/** statistics.yaml → a non-empty mapping (it becomes the Dataset's `statistics`). */
export async function readStatistics(file: string): Promise<Record<string, unknown>> {
  const doc = await readYaml(file, 'dataset.statistics-invalid', 'the statistics task');
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || Object.keys(doc).length === 0)
    fail('dataset.statistics-invalid', 'the statistics task must write a non-empty YAML mapping', { file });
  return doc as Record<string, unknown>;
}

/** The key of results.yaml that holds the counts beside the metrics (not a metric itself). */
export const SUFFICIENT_STATISTICS_KEY = 'sufficient_statistics';

export interface MetricsOutput {
  metrics: Record<string, number>;
  /** The counts the metrics cube wrote, when it wrote them. */
  sufficientStatistics?: SufficientStatistics;
}

/** results.yaml → `{name: number}`; NaN is kept (a metric that could not be computed), infinities are not. */
export async function readMetrics(file: string): Promise<Record<string, number>> {
  return (await readMetricsOutput(file)).metrics;
}

/**
 * results.yaml → its metrics and, under `sufficient_statistics`, the counts that let a leaderboard pool
 * exactly: `cases`, `operating_point` and optionally `threshold_grid` (each `{threshold, tp, fp, tn, fn}`).
 */
export async function readMetricsOutput(file: string): Promise<MetricsOutput> {
  const doc = await readYaml(file, 'metrics.invalid', 'the evaluate task');
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    fail('metrics.invalid', 'the evaluate task must write a YAML mapping of metric name to number', { file });
  const out: Record<string, number> = {};
  let sufficientStatistics: SufficientStatistics | undefined;
  for (const [key, entry] of Object.entries(doc as Record<string, unknown>)) {
    if (key === SUFFICIENT_STATISTICS_KEY) {
      sufficientStatistics = toSufficientStatistics(entry, file);
      continue;
    }
    if (!METRIC_NAME.test(key))
      fail('metrics.invalid', `metric name "${key}" must match ${METRIC_NAME.source} to be recorded`, {
        file,
      });
    if (typeof entry !== 'number' || entry === Number.POSITIVE_INFINITY || entry === Number.NEGATIVE_INFINITY)
      fail(
        'metrics.invalid',
        `metric "${key}" is ${JSON.stringify(entry)}; metrics must be finite numbers or .nan`,
        {
          file,
        },
      );
    out[key] = entry;
  }
  if (Object.keys(out).length === 0)
    fail('metrics.invalid', 'the evaluate task reported no metrics', { file });
  return { metrics: out, ...(sufficientStatistics ? { sufficientStatistics } : {}) };
}

const MAX_GRID = 1001;

/** The cube's snake_case counts → the Result's `sufficientStatistics`, refusing anything but counts that add up. */
function toSufficientStatistics(value: unknown, file: string): SufficientStatistics {
  const bad = (why: string): never =>
    fail('metrics.invalid', `${SUFFICIENT_STATISTICS_KEY} ${why}`, { file });
  const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return bad('must be a mapping');
  const fields = value as Record<string, unknown>;
  if (!isCount(fields.cases)) return bad('needs `cases`, a whole number of cases');
  const cases = fields.cases;
  const point = (pointValue: unknown, where: string): ConfusionCounts => {
    if (!pointValue || typeof pointValue !== 'object' || Array.isArray(pointValue))
      return bad(`${where} must be a mapping`);
    const pointFields = pointValue as Record<string, unknown>;
    if (typeof pointFields.threshold !== 'number' || !Number.isFinite(pointFields.threshold))
      return bad(`${where} needs a finite threshold`);
    const counts = [pointFields.tp, pointFields.fp, pointFields.tn, pointFields.fn];
    if (!counts.every(isCount)) return bad(`${where} needs whole-number tp, fp, tn and fn`);
    const [tp, fp, tn, fn] = counts as number[];
    if (tp + fp + tn + fn !== cases)
      bad(`${where}: tp+fp+tn+fn is ${tp + fp + tn + fn}, not cases (${cases})`);
    return { threshold: pointFields.threshold, tp, fp, tn, fn };
  };
  const operatingPoint = point(fields.operating_point, 'operating_point');
  if (fields.threshold_grid === undefined) return { cases, operatingPoint };
  if (
    !Array.isArray(fields.threshold_grid) ||
    fields.threshold_grid.length < 2 ||
    fields.threshold_grid.length > MAX_GRID
  )
    return bad(`threshold_grid must be a list of 2 to ${MAX_GRID} points`);
  const thresholdGrid = fields.threshold_grid.map((p, i) => point(p, `threshold_grid item ${i}`));
  return { cases, operatingPoint, thresholdGrid };
}

export interface DemoPaths {
  dataPath: string;
  labelsPath: string;
  metadataPath?: string;
}

/** paths.yaml at the root of an extracted demo tarball; every path must stay inside `root`. */
export async function readDemoPaths(root: string): Promise<DemoPaths> {
  const file = join(root, 'paths.yaml');
  const doc = await readYaml(file, 'demo.paths-invalid', 'the demo tarball');
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    fail('demo.paths-invalid', 'paths.yaml must be a mapping with data_path and labels_path', { file });
  const fields = doc as Record<string, unknown>;
  const inside = async (key: string, required: boolean): Promise<string | undefined> => {
    const value = fields[key];
    if (value === undefined || value === null) {
      if (required) fail('demo.paths-invalid', `paths.yaml has no ${key}`, { file });
      return undefined;
    }
    if (typeof value !== 'string' || isAbsolute(value))
      return fail('demo.paths-invalid', `${key} must be a path relative to the tarball's root`, { file });
    const absolute = resolve(root, value);
    const rel = relative(root, absolute);
    if (rel.startsWith('..') || isAbsolute(rel))
      fail('demo.paths-invalid', `${key} (${value}) leaves the tarball's root`, { file });
    const st = await stat(absolute).catch(() => undefined);
    if (!st?.isDirectory())
      fail('demo.paths-invalid', `${key} (${value}) is not a folder in the tarball`, { file });
    return absolute;
  };
  const dataPath = (await inside('data_path', true)) as string;
  const labelsPath = (await inside('labels_path', true)) as string;
  const metadataPath = await inside('metadata_path', false);
  return { dataPath, labelsPath, ...(metadataPath ? { metadataPath } : {}) };
}
