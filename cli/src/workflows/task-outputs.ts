/**
 * Reading what cubes write, with MedPerf's checks (mlcube.md §8): statistics.yaml must be non-empty
 * YAML; results.yaml must be a flat mapping of metric name to number (`.nan` allowed); a demo tarball's
 * paths.yaml names the data and labels folders relative to its root.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { fail } from '../diagnostics/diagnostic.js';

const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

async function readYaml(file: string, code: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return fail(code, `${what} did not write ${file}; see the task's log`, { file });
  }
  try {
    return parse(text);
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

/** results.yaml → `{name: number}`; NaN is kept (a metric that could not be computed), infinities are not. */
export async function readMetrics(file: string): Promise<Record<string, number>> {
  const doc = await readYaml(file, 'metrics.invalid', 'the evaluate task');
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    fail('metrics.invalid', 'the evaluate task must write a YAML mapping of metric name to number', { file });
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (!METRIC_NAME.test(k))
      fail('metrics.invalid', `metric name "${k}" must match ${METRIC_NAME.source} to be recorded`, { file });
    if (typeof v !== 'number' || v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY)
      fail(
        'metrics.invalid',
        `metric "${k}" is ${JSON.stringify(v)}; metrics must be finite numbers or .nan`,
        {
          file,
        },
      );
    out[k] = v;
  }
  if (Object.keys(out).length === 0)
    fail('metrics.invalid', 'the evaluate task reported no metrics', { file });
  return out;
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
  const o = doc as Record<string, unknown>;
  const inside = async (key: string, required: boolean): Promise<string | undefined> => {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) fail('demo.paths-invalid', `paths.yaml has no ${key}`, { file });
      return undefined;
    }
    if (typeof v !== 'string' || isAbsolute(v))
      return fail('demo.paths-invalid', `${key} must be a path relative to the tarball's root`, { file });
    const p = resolve(root, v);
    const rel = relative(root, p);
    if (rel.startsWith('..') || isAbsolute(rel))
      fail('demo.paths-invalid', `${key} (${v}) leaves the tarball's root`, { file });
    const st = await stat(p).catch(() => undefined);
    if (!st?.isDirectory())
      fail('demo.paths-invalid', `${key} (${v}) is not a folder in the tarball`, { file });
    return p;
  };
  const dataPath = (await inside('data_path', true)) as string;
  const labelsPath = (await inside('labels_path', true)) as string;
  const metadataPath = await inside('metadata_path', false);
  return { dataPath, labelsPath, ...(metadataPath ? { metadataPath } : {}) };
}
