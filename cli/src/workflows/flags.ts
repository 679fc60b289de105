/**
 * Flags shared by the procedure commands (dataset prepare, test run, benchmark run), and how they turn into
 * the workflows' options. Kept here so the three commands stay thin and agree on names.
 */
import { Flags } from '@oclif/core';
import { which } from '../cube/index.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { cubeAccess } from './cube-access.js';
import type { CubeExecution, RunnerKind } from './execution.js';
import { type Layout, layout } from './layout.js';
import { consoleProgress, type Progress, silentProgress } from './progress.js';
import type { RegistryView } from './registry-access.js';

export const RUNNERS = ['local', 'podman', 'docker', 'singularity', 'apptainer'] as const;

/** MedPerf's `--container-loglevel`: MEDPERF_LOGLEVEL for every cube, upper-cased; unset without the flag. */
export const containerLoglevelFlag = {
  'container-loglevel': Flags.string({
    description:
      'MEDPERF_LOGLEVEL given to every cube, upper-cased (e.g. debug); unset by default, as in MedPerf',
  }),
};

export const executionFlags = {
  ...containerLoglevelFlag,
  runner: Flags.string({
    options: [...RUNNERS],
    description:
      'how cubes run: podman/docker/singularity/apptainer containers, or local (sandboxed with bwrap). Default: $GITPERF_RUNNER, else podman or docker when installed, else local',
  }),
  registry: Flags.string({
    description:
      'registry folder (or the repository holding registry/) for owner/name references; default: the current folder',
  }),
  timeout: Flags.integer({ description: 'kill any task running longer than this many seconds', min: 1 }),
};

/** The runner to use: the flag, else $GITPERF_RUNNER, else the first container engine installed, else local. */
export async function chooseRunner(flag?: string): Promise<RunnerKind> {
  const v = flag ?? process.env.GITPERF_RUNNER;
  if (v && (RUNNERS as readonly string[]).includes(v)) return v as RunnerKind;
  for (const r of ['podman', 'docker'] as const) if (await which(r)) return r;
  return 'local';
}

export interface CommandExecution {
  exec: CubeExecution;
  layout: Layout;
  progress: Progress;
}

export async function commandExecution(
  flags: { runner?: string; registry?: string; 'container-loglevel'?: string },
  json: boolean,
  report: (d: Diagnostic) => void,
  registry?: RegistryView,
): Promise<CommandExecution> {
  const lay = layout();
  const progress = json ? silentProgress : consoleProgress();
  const exec = cubeAccess({
    runner: await chooseRunner(flags.runner),
    layout: lay,
    registryDir: flags.registry,
    registry,
    onWarning: report,
    containerLoglevel: flags['container-loglevel'],
  });
  return { exec, layout: lay, progress };
}

/** Same timeout for every task (MedPerf has one flag per task; one is enough for a CLI). */
export function allTimeouts(seconds?: number) {
  if (seconds === undefined) return undefined;
  return { prepare: seconds, sanity_check: seconds, statistics: seconds, infer: seconds, evaluate: seconds };
}
