/**
 * Which cube engine an unattended runner may use. Containers by default; on a machine without podman or
 * docker the runner refuses unless told `--runner local` explicitly, and then only inside the bubblewrap
 * sandbox (the local runner would otherwise run registry code with the runner's full access).
 */
import { which } from '../cube/index.js';
import { fail } from '../diagnostics/diagnostic.js';
import type { RunnerKind } from '../workflows/execution.js';

/**
 * `chosen`: the engine the profile's defaults picked (`--runner`, else $GITPERF_RUNNER, else an installed
 * container engine, else local); `explicit`: the `--runner` flag as given, if any.
 */
export async function checkUnattendedEngine(chosen: RunnerKind, explicit: string | undefined): Promise<void> {
  if (chosen !== 'local') return;
  if (explicit !== 'local')
    fail(
      'runner.needs-containers',
      'no container engine (podman or docker) was found on this machine, and a runner runs cubes unattended only in containers; install podman or docker, or pass `--runner local` to run them in the bubblewrap sandbox',
      {},
      2,
    );
  if (!(await which('bwrap')))
    fail(
      'runner.unsandboxed',
      '`--runner local` runs cubes unattended only inside the bubblewrap sandbox, and bwrap is not installed; install bubblewrap, or podman or docker',
      {},
      2,
    );
}
