/**
 * Benchmark execution (MedPerf's `benchmark run` / `result create`, medperf.md §7): for each model, infer on
 * the prepared dataset then evaluate with the benchmark's metrics cube, and write one Result entity per model
 * under `$GITPERF_HOME/results/<benchmark>/<data-owner>/<dataset>/<model-owner>.<cube>.yaml`, the path it
 * will have in the registry. Nothing is uploaded.
 *
 * Without `ignoreModelErrors` the first failing model stops the run (later models are reported skipped); with
 * it, a model whose infer fails is still evaluated on what it wrote and its result is marked partial.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { type Diagnostic, error, fail, GitperfError } from '../diagnostics/diagnostic.js';
import { writeFileAtomic } from '../infra/atomic-write.js';
import { homeLayout } from '../infra/gitperf-home.js';
import type { CubeUsage, Result } from '../registry/types.generated.js';
import { parseYaml, writeYamlAtomic } from './atomic.js';
import { buildResult, checkEntity } from './entities.js';
import { type CubeExecution, type ReadyCube, usage } from './execution.js';
import { folderHash } from './folder-hash.js';
import { inferAndEvaluate } from './infer-evaluate.js';
import { layout as defaultLayout, type Layout } from './layout.js';
import { assertPreparedBy, loadPreparedDataset } from './prepare-dataset.js';
import { type Progress, silentProgress } from './progress.js';

export interface BenchmarkCubes {
  /** Benchmark name (the registry folder). */
  name: string;
  /** `owner/name` of the benchmark's cubes. */
  preparator: string;
  referenceModel: string;
  metrics: string;
}

export interface BenchmarkRunInput {
  benchmark: BenchmarkCubes;
  /** Local prepared dataset name (`$GITPERF_HOME/datasets/<name>`). */
  dataset: string;
  /** Models to run, `owner/name` or cube folders; in order. */
  models: string[];
  ignoreModelErrors?: boolean;
  /** Re-run models that already have a result for this benchmark and dataset. */
  noCache?: boolean;
  /** The metrics cube as a folder instead of the benchmark's ref (development). */
  metricsSource?: string;
  timeouts?: { infer?: number; evaluate?: number };
  /** The registered Runner running it unattended (`owner/name`), recorded as `execution.runnerRef`. */
  runnerRef?: string;
}

export interface ModelRun {
  model: string;
  /** ok / partial: a result was written; cached: an existing result was kept; failed; skipped (after a failure). */
  status: 'ok' | 'partial' | 'cached' | 'failed' | 'skipped';
  resultFile?: string;
  result?: Result;
  predictionsDir?: string;
  diagnostics: Diagnostic[];
  cubeSeconds: number;
  seconds: number;
}

export interface BenchmarkRun {
  benchmark: string;
  dataset: { name: string; ref: string; generatedUid: string };
  runs: ModelRun[];
  /** Wall time of the whole run and the part of it spent inside cube processes. */
  seconds: number;
  cubeSeconds: number;
  /** True when a model failed (with or without ignoreModelErrors). */
  hadFailures: boolean;
}

export interface BenchmarkRunContext {
  exec: CubeExecution;
  layout?: Layout;
  progress?: Progress;
}

export async function runBenchmark(
  input: BenchmarkRunInput,
  ctx: BenchmarkRunContext,
): Promise<BenchmarkRun> {
  const t0 = performance.now();
  const lay = ctx.layout ?? defaultLayout();
  const progress = ctx.progress ?? silentProgress;
  const ignore = input.ignoreModelErrors ?? false;
  if (input.models.length === 0) fail('benchmark.no-models', 'no model to run; name one with --model');

  const ds = await loadPreparedDataset(input.dataset, lay);
  // Start resolving and verifying every cube now, in parallel with the dataset check: each model awaits its own
  // (a failure is reported when that model's turn comes, as a model error).
  const models = [...new Set(input.models)];
  for (const model of models) ctx.exec.cube(model, 'model').catch(() => undefined);
  const dsRef = `${ds.entity.metadata.owner}/${ds.entity.metadata.name}`;
  // The prepared bytes must still be the ones the dataset was registered with.
  const uid = await folderHash([ds.dataPath, ds.labelsPath]);
  if (uid.hash !== ds.entity.spec.generatedUid)
    fail(
      'dataset.modified',
      `the prepared data of ${input.dataset} changed since preparation (generatedUid ${ds.entity.spec.generatedUid}, now ${uid.hash}); prepare it again with --force`,
      { file: ds.dir },
    );

  const metrics = await ctx.exec.cube(input.metricsSource ?? input.benchmark.metrics, 'metrics');
  const prepUsage = ds.preparation.preparator;
  await assertPreparedBy(ds, input.benchmark.preparator, ctx.exec, `benchmark ${input.benchmark.name}`);

  const runs: ModelRun[] = [];
  let stopped = false;
  // A model named twice runs once (it would write the same result file twice).
  for (const source of models) {
    if (stopped) {
      runs.push({ model: source, status: 'skipped', diagnostics: [], cubeSeconds: 0, seconds: 0 });
      continue;
    }
    const run = await runOneModel(source, {
      input,
      lay,
      progress,
      exec: ctx.exec,
      metrics,
      prepUsage,
      dataset: {
        name: input.dataset,
        ref: dsRef,
        generatedUid: uid.hash,
        dataPath: ds.dataPath,
        labelsPath: ds.labelsPath,
      },
      ignore,
    });
    runs.push(run);
    if (run.status === 'failed' && !ignore) stopped = true;
  }
  const cubeSeconds = runs.reduce((s, r) => s + r.cubeSeconds, 0);
  return {
    benchmark: input.benchmark.name,
    dataset: { name: input.dataset, ref: dsRef, generatedUid: uid.hash },
    runs,
    seconds: (performance.now() - t0) / 1000,
    cubeSeconds,
    hadFailures: runs.some((r) => r.status === 'failed' || r.status === 'partial'),
  };
}

interface OneModelContext {
  input: BenchmarkRunInput;
  lay: Layout;
  progress: Progress;
  exec: CubeExecution;
  metrics: ReadyCube;
  prepUsage: CubeUsage;
  dataset: { name: string; ref: string; generatedUid: string; dataPath: string; labelsPath: string };
  ignore: boolean;
}

async function runOneModel(source: string, context: OneModelContext): Promise<ModelRun> {
  const t0 = performance.now();
  const startedAt = new Date();
  const [dataOwner] = context.dataset.ref.split('/');
  let model: ReadyCube;
  try {
    model = await context.exec.cube(source, 'model');
  } catch (e) {
    // A model whose resources fail verification is a model error like any other.
    if (!(e instanceof GitperfError)) throw e;
    return {
      model: source,
      status: 'failed',
      diagnostics: [e.diagnostic],
      cubeSeconds: 0,
      seconds: elapsed(t0),
    };
  }
  const resultFile = context.lay.result(
    context.input.benchmark.name,
    dataOwner,
    context.dataset.name,
    model.ref,
  );
  if (!context.input.noCache) {
    const cached = await readCachedResult(
      resultFile,
      model,
      context.metrics,
      context.dataset.generatedUid,
      context.input.runnerRef,
    );
    if (cached) {
      context.progress.note(
        `${model.ref}: keeping the existing result ${resultFile} (pass --no-cache to run again)`,
      );
      return {
        model: model.ref,
        status: 'cached',
        resultFile,
        result: cached,
        diagnostics: [],
        cubeSeconds: 0,
        seconds: elapsed(t0),
      };
    }
  }
  const predictionsDir = context.lay.predictions(model.ref, context.dataset.name);
  const out = await inferAndEvaluate(
    {
      model,
      metrics: context.metrics,
      dataPath: context.dataset.dataPath,
      labelsPath: context.dataset.labelsPath,
      predictionsDir,
      tmpDir: context.lay.tmp,
      trashDir: context.lay.trash,
      ignoreModelErrors: context.ignore,
      timeouts: context.input.timeouts,
      logSuffix: context.dataset.name,
    },
    context.exec,
    context.progress,
  );
  if (out.status === 'failed' || !out.metrics)
    return {
      model: model.ref,
      status: 'failed',
      predictionsDir,
      diagnostics: out.diagnostics,
      cubeSeconds: out.cubeSeconds,
      seconds: elapsed(t0),
    };
  const result = buildResult({
    benchmark: context.input.benchmark.name,
    model: model.ref,
    dataset: { ref: context.dataset.ref, generatedUid: context.dataset.generatedUid },
    metrics: out.metrics,
    ...(out.sufficientStatistics ? { sufficientStatistics: out.sufficientStatistics } : {}),
    partial: out.status === 'partial',
    runner: context.exec.runner,
    ...(context.input.runnerRef ? { runnerRef: context.input.runnerRef } : {}),
    startedAt,
    finishedAt: new Date(),
    cubes: [context.prepUsage, usage('model', model), usage('metrics', context.metrics)],
  });
  checkEntity('Result', result);
  await writeYamlAtomic(resultFile, result);
  return {
    model: model.ref,
    status: out.status,
    resultFile,
    result,
    predictionsDir,
    diagnostics: out.diagnostics,
    cubeSeconds: out.cubeSeconds,
    seconds: elapsed(t0),
  };
}

/**
 * An existing result is reused only when it was produced by the same cubes on the same prepared data, and
 * by the same registered runner (or by none, for both): the runner it names decides its consent.
 */
async function readCachedResult(
  file: string,
  model: ReadyCube,
  metrics: ReadyCube,
  generatedUid: string,
  runnerRef: string | undefined,
): Promise<Result | undefined> {
  if (!(await stat(file).catch(() => undefined))) return undefined;
  try {
    const result = parseYaml(await readFile(file, 'utf8')) as Result;
    const same = (role: string, cube: ReadyCube) =>
      result.spec.execution.cubes.some(
        (usedCube) =>
          usedCube.role === role &&
          usedCube.ref === cube.ref &&
          JSON.stringify(usedCube.hashes) === JSON.stringify(cube.hashes),
      );
    return result.spec.execution.dataset.generatedUid === generatedUid &&
      result.spec.execution.runnerRef === runnerRef &&
      same('model', model) &&
      same('metrics', metrics)
      ? result
      : undefined;
  } catch {
    return undefined;
  }
}

function elapsed(t0: number): number {
  return (performance.now() - t0) / 1000;
}

/** The diagnostics a finished run should show: one per failed model, a warning per partial one. */
export function runDiagnostics(run: BenchmarkRun): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const modelRun of run.runs) {
    if (modelRun.status === 'failed') out.push(...modelRun.diagnostics);
    if (modelRun.status === 'partial')
      out.push({
        ...error('result.partial', `${modelRun.model}: infer failed; the result is marked partial`),
        severity: 'warning',
      });
    if (modelRun.status === 'skipped')
      out.push({
        ...error(
          'model.skipped',
          `${modelRun.model} did not run because an earlier model failed (see --ignore-model-errors)`,
        ),
        severity: 'warning',
      });
  }
  return out;
}

/**
 * Copies the result files a run wrote (`$GITPERF_HOME/results/...`) into `outDir` with the same relative
 * path: what a self-hosted runner uploads for the hosted submit job (`result submit --from`).
 */
export async function copyResults(
  runs: readonly ModelRun[],
  lay: Layout,
  outDir: string,
  /** Applied to each result before it is written (the encryption a benchmark's sharing policy asks for). */
  transform?: (result: Result) => Promise<Result>,
): Promise<string[]> {
  const resultsRoot = homeLayout(lay.home).results;
  const copied: string[] = [];
  for (const modelRun of runs) {
    if (!modelRun.resultFile) continue;
    const target = join(outDir, relative(resultsRoot, modelRun.resultFile));
    if (transform)
      await writeYamlAtomic(
        target,
        await transform(parseYaml(await readFile(modelRun.resultFile, 'utf8')) as Result),
      );
    else await writeFileAtomic(target, await readFile(modelRun.resultFile));
    copied.push(target);
  }
  return copied;
}
