/**
 * One model on one prepared dataset: `infer` into a fresh predictions folder, then the metrics cube's
 * `evaluate` into a fresh scratch file (MedPerf's execution, medperf.md §7). Shared by the compatibility
 * test and the benchmark run; the caller decides what a failure means.
 */
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Diagnostic, error, GitperfError } from '../diagnostics/diagnostic.js';
import { replaceDir, stagingDir } from '../infra/atomic-write.js';
import type { SufficientStatistics } from '../registry/types.generated.js';
import type { CubeExecution, ReadyCube, TaskOutcome } from './execution.js';
import type { Progress } from './progress.js';
import { readMetricsOutput } from './task-outputs.js';

export interface InferEvaluateInput {
  model: ReadyCube;
  metrics: ReadyCube;
  dataPath: string;
  labelsPath: string;
  /** Final predictions folder; it is replaced only once infer has finished. */
  predictionsDir: string;
  /** Where staging folders and removed folders go (same filesystem as predictionsDir). */
  tmpDir: string;
  trashDir: string;
  /** Evaluate even when infer failed (MedPerf's --ignore-model-errors); the outcome is then partial. */
  ignoreModelErrors: boolean;
  timeouts?: { infer?: number; evaluate?: number };
  /** Names the log files, e.g. the dataset name. */
  logSuffix: string;
}

export interface InferEvaluateOutcome {
  /** `ok`: metrics from a complete run; `partial`: infer failed but evaluation produced metrics. */
  status: 'ok' | 'partial' | 'failed';
  metrics?: Record<string, number>;
  /** The metrics cube's counts, when it wrote them. */
  sufficientStatistics?: SufficientStatistics;
  /** Why the run failed or is partial. */
  diagnostics: Diagnostic[];
  /** Seconds spent inside cube processes (infer + evaluate). */
  cubeSeconds: number;
  logs: string[];
}

function taskFailure(cube: ReadyCube, task: string, outcome: TaskOutcome, code: string): Diagnostic {
  const why = outcome.timedOut
    ? 'timed out'
    : outcome.exitCode === null
      ? 'could not start'
      : `exited with code ${outcome.exitCode}`;
  const detail = outcome.diagnostics.find((d) => d.severity === 'error')?.message;
  return error(
    code,
    `the ${task} task of ${cube.ref} ${why}${detail ? `: ${detail}` : ''}${outcome.logFile ? `; see ${outcome.logFile}` : ''}`,
    outcome.logFile ? { file: outcome.logFile } : {},
  );
}

export async function inferAndEvaluate(
  input: InferEvaluateInput,
  exec: CubeExecution,
  progress: Progress,
): Promise<InferEvaluateOutcome> {
  const { model, metrics } = input;
  const diagnostics: Diagnostic[] = [];
  const logs: string[] = [];
  let cubeSeconds = 0;

  // infer writes into a fresh folder that replaces the final one only afterwards: predictions of two runs
  // never mix (MedPerf #107), and an interrupted run leaves no folder that looks complete.
  await mkdir(dirname(input.predictionsDir), { recursive: true });
  const staged = await stagingDir(
    dirname(input.predictionsDir),
    `.${basename(input.predictionsDir)}.partial`,
  );
  const inferLabel = `infer (${model.ref})`;
  progress.step(inferLabel);
  const inf = await exec.run(
    model,
    'infer',
    { data_path: input.dataPath, output_path: staged },
    {
      timeoutSeconds: input.timeouts?.infer,
      logName: `infer-${model.ref.replace('/', '.')}-${input.logSuffix}`,
    },
  );
  cubeSeconds += inf.seconds;
  if (inf.logFile) logs.push(inf.logFile);
  progress.done(inferLabel, inf.ok, `${inf.seconds.toFixed(1)} s`);
  let partial = false;
  if (!inf.ok) {
    diagnostics.push(taskFailure(model, 'infer', inf, 'model.infer-failed'));
    if (!input.ignoreModelErrors) {
      await rm(staged, { recursive: true, force: true });
      return { status: 'failed', diagnostics, cubeSeconds, logs };
    }
    partial = true;
  }
  await replaceDir(staged, input.predictionsDir, input.trashDir);

  // evaluate writes a fresh file in a scratch folder, as MedPerf does (.tmp/<random>).
  const scratch = await stagingDir(input.tmpDir, 'evaluate');
  try {
    const resultsFile = join(scratch, 'results.yaml');
    const evalLabel = `evaluate (${metrics.ref} on ${model.ref})`;
    progress.step(evalLabel);
    const ev = await exec.run(
      metrics,
      'evaluate',
      { predictions: input.predictionsDir, labels: input.labelsPath, output_path: resultsFile },
      {
        timeoutSeconds: input.timeouts?.evaluate,
        logName: `evaluate-${metrics.ref.replace('/', '.')}-${model.ref.replace('/', '.')}-${input.logSuffix}`,
      },
    );
    cubeSeconds += ev.seconds;
    if (ev.logFile) logs.push(ev.logFile);
    progress.done(evalLabel, ev.ok, `${ev.seconds.toFixed(1)} s`);
    if (!ev.ok) {
      diagnostics.push(taskFailure(metrics, 'evaluate', ev, 'metrics.evaluate-failed'));
      return { status: 'failed', diagnostics, cubeSeconds, logs };
    }
    try {
      const values = await readMetricsOutput(resultsFile);
      return {
        status: partial ? 'partial' : 'ok',
        metrics: values.metrics,
        ...(values.sufficientStatistics ? { sufficientStatistics: values.sufficientStatistics } : {}),
        diagnostics,
        cubeSeconds,
        logs,
      };
    } catch (e) {
      if (e instanceof GitperfError) {
        diagnostics.push(e.diagnostic);
        return { status: 'failed', diagnostics, cubeSeconds, logs };
      }
      throw e;
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
