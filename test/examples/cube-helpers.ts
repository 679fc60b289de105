// Runs the example cubes' entrypoints directly with python3 (no runner), as a container would receive them:
// the task name, then --name=path arguments.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa, execaSync } from 'execa';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/cli.js';

export const examplesDir = join(repoRoot, 'examples');
export const cubesDir = join(examplesDir, 'cubes');
export const cubeFolders = ['prep', 'logreg', 'metrics', 'centroid', 'stump'] as const;
export const models = ['logreg', 'centroid', 'stump'] as const;
export type Model = (typeof models)[number];

/**
 * The interpreter behind `python3`, resolved once: version-manager shims (pyenv) cost a shell and a second
 * process per call, which dominates these short cube runs.
 */
export const python = String(
  execaSync('python3', ['-c', 'import sys; print(sys.executable)'], { env: { PYTHONDONTWRITEBYTECODE: '1' } })
    .stdout,
).trim();

export interface PyResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs examples/cubes/<cube>/project/mlcube.py <task> --k=v ... from the cube folder (like the local runner). */
export async function runCube(cube: string, task: string, args: Record<string, string>): Promise<PyResult> {
  const argv = Object.entries(args).map(([k, v]) => `--${k}=${v}`);
  const r = await execa(python, ['project/mlcube.py', task, ...argv], {
    cwd: join(cubesDir, cube),
    reject: false,
    timeout: 30_000,
    env: { PYTHONDONTWRITEBYTECODE: '1' },
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export const params = (cube: string): string => join(cubesDir, cube, 'workspace', 'parameters.yaml');
export const logregWeights = join(cubesDir, 'logreg', 'workspace', 'additional_files', 'weights.csv');

function ok(r: PyResult, what: string): void {
  if (r.exitCode !== 0) throw new Error(`${what} exited ${r.exitCode}: ${r.stderr}`);
}

export interface FlowResult {
  statistics: Record<string, number>;
  /** metrics per model; undefined when the model's infer failed */
  metrics: Partial<Record<Model, Record<string, number>>>;
  infer: Record<Model, PyResult>;
  /** metrics of a failed model, evaluated on its (absent) predictions as MedPerf does with partial results */
  partialMetrics: Partial<Record<Model, Record<string, number>>>;
}

/** prepare -> sanity_check -> statistics -> infer (3 models) -> evaluate, everything written under work/. */
export async function runFlow(
  dataPath: string,
  labelsPath: string,
  work: string,
  weights = logregWeights,
): Promise<FlowResult> {
  const ds = join(work, 'dataset');
  mkdirSync(ds, { recursive: true });
  const prepared = {
    data_path: join(ds, 'data'),
    labels_path: join(ds, 'labels'),
    parameters_file: params('prep'),
  };
  ok(
    await runCube('prep', 'prepare', {
      data_path: dataPath,
      labels_path: labelsPath,
      parameters_file: params('prep'),
      output_path: prepared.data_path,
      output_labels_path: prepared.labels_path,
    }),
    'prepare',
  );
  ok(await runCube('prep', 'sanity_check', prepared), 'sanity_check');
  const statsFile = join(ds, 'statistics.yaml');
  ok(await runCube('prep', 'statistics', { ...prepared, output_path: statsFile }), 'statistics');
  const out: FlowResult = {
    statistics: parse(readFileSync(statsFile, 'utf8')),
    metrics: {},
    partialMetrics: {},
    infer: {} as Record<Model, PyResult>,
  };
  for (const m of models) {
    const pred = join(work, 'predictions', m);
    const extra: Record<string, string> = m === 'logreg' ? { weights } : {};
    const r = await runCube(m, 'infer', {
      data_path: prepared.data_path,
      parameters_file: params(m),
      ...extra,
      output_path: pred,
    });
    out.infer[m] = r;
    const results = join(work, 'results', `${m}.yaml`);
    ok(
      await runCube('metrics', 'evaluate', {
        predictions: pred,
        labels: prepared.labels_path,
        parameters_file: params('metrics'),
        output_path: results,
      }),
      `evaluate ${m}`,
    );
    const metrics = parse(readFileSync(results, 'utf8'));
    if (r.exitCode === 0) out.metrics[m] = metrics;
    else out.partialMetrics[m] = metrics;
  }
  return out;
}

/** Every file under dir, as relative path -> bytes (sorted). */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Reads a two-column CSV with a header into id -> value. */
export function readPairs(file: string): Map<string, string> {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => l.split(',') as [string, string]));
}
