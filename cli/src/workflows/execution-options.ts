/**
 * Choices every procedure command shares, as plain options: which runner executes cubes and how long a
 * task may run. The command layer (cli/src/cli/execution-flags.ts) turns flags into these.
 */
import { which } from '../cube/index.js';
import type { RunnerKind } from './execution.js';

export const RUNNERS = [
  'local',
  'podman',
  'docker',
  'singularity',
  'apptainer',
] as const satisfies readonly RunnerKind[];

/** The runner to use: the one asked for, else $GITPERF_RUNNER, else the first container engine installed, else local. */
export async function chooseRunner(requested?: string): Promise<RunnerKind> {
  const wanted = requested ?? process.env.GITPERF_RUNNER;
  if (wanted && (RUNNERS as readonly string[]).includes(wanted)) return wanted as RunnerKind;
  for (const engine of ['podman', 'docker'] as const) if (await which(engine)) return engine;
  return 'local';
}

/** True when the local runner's sandbox (bubblewrap) is installed. */
export async function sandboxInstalled(searchPath?: string): Promise<boolean> {
  return (await which('bwrap', searchPath)) !== undefined;
}

/** Same timeout for every task (MedPerf has one flag per task; one is enough for a CLI). */
export function allTimeouts(seconds?: number) {
  if (seconds === undefined) return undefined;
  return { prepare: seconds, sanity_check: seconds, statistics: seconds, infer: seconds, evaluate: seconds };
}
