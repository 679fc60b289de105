/**
 * Flags shared by the procedure commands (dataset prepare, test run, benchmark run), and how they turn into
 * the workflows' options. Kept here so the three commands stay thin and agree on names.
 */
import { Flags } from '@oclif/core';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { cubeAccess } from '../workflows/cube-access.js';
import type { CubeExecution, LocalSandbox } from '../workflows/execution.js';
import { chooseRunner, RUNNERS } from '../workflows/execution-options.js';
import { type Layout, layout } from '../workflows/layout.js';
import { consoleProgress, type Progress, silentProgress } from '../workflows/progress.js';
import type { RegistryView } from '../workflows/registry-access.js';

/** MedPerf's `--container-loglevel`: MEDPERF_LOGLEVEL for every cube, upper-cased; unset without the flag. */
export const containerLoglevelFlag = {
  'container-loglevel': Flags.string({
    description:
      'MEDPERF_LOGLEVEL given to every cube, upper-cased (e.g. debug); unset by default, as in MedPerf',
  }),
};

/**
 * The only way to run a local cube without bubblewrap: named so nobody passes it by accident. Without it the
 * local runner refuses to start where bwrap is not installed.
 */
export const unsafeNoSandboxFlag = {
  'unsafe-no-sandbox': Flags.boolean({
    description:
      "local runner: run cubes WITHOUT the bubblewrap sandbox (where bwrap is not installed): a cube can then read and change this machine's files and use its network",
  }),
};

/** The local runner's sandbox the flags ask for. */
export function sandboxFromFlags(flags: { 'unsafe-no-sandbox'?: boolean }): LocalSandbox {
  return flags['unsafe-no-sandbox'] ? 'none' : 'bwrap';
}

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
  ...unsafeNoSandboxFlag,
};

export interface CommandExecution {
  exec: CubeExecution;
  layout: Layout;
  progress: Progress;
}

export async function commandExecution(
  flags: {
    runner?: string;
    registry?: string;
    'container-loglevel'?: string;
    'unsafe-no-sandbox'?: boolean;
  },
  json: boolean,
  report: (d: Diagnostic) => void,
  registry?: RegistryView,
): Promise<CommandExecution> {
  const homeLayout = layout();
  const progress = json ? silentProgress : consoleProgress();
  const exec = cubeAccess({
    runner: await chooseRunner(flags.runner),
    layout: homeLayout,
    registryDir: flags.registry,
    registry,
    onWarning: report,
    containerLoglevel: flags['container-loglevel'],
    sandbox: sandboxFromFlags(flags),
  });
  return { exec, layout: homeLayout, progress };
}
