/**
 * What every participant procedure needs: who acts and through which forge (a SubmissionContext), where
 * local state lives ($GITPERF_HOME), how cubes run, how progress and warnings are shown, and how consent is
 * asked. Commands build one from flags (`participantFromFlags`); the demo builds one per role.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SubmissionContext } from '../submission/index.js';
import { cubeAccess } from '../workflows/cube-access.js';
import type { CubeExecution, LocalSandbox, RunnerKind } from '../workflows/execution.js';
import { type Layout, layout } from '../workflows/layout.js';
import { type Progress, silentProgress } from '../workflows/progress.js';
import type { Consent } from './consent.js';
import { type RegistrySnapshot, registrySnapshot } from './snapshot.js';

export interface Participant {
  sub: SubmissionContext;
  /** $GITPERF_HOME of this participant. */
  home: string;
  /** How cubes run (compatibility tests, benchmark runs). */
  runner: RunnerKind;
  /** MEDPERF_LOGLEVEL for the cubes (`--container-loglevel`); unset when absent. */
  containerLoglevel?: string;
  /** The local runner's sandbox (default bwrap, required; `--unsafe-no-sandbox`: none; the demo: auto). */
  sandbox?: LocalSandbox;
  progress?: Progress;
  onWarning?: (diagnostic: Diagnostic) => void;
  /** Asked before anything about local data leaves the machine (dataset metadata, results). */
  consent: Consent;
  /** Folder relative resource paths given on the command line are resolved from (default: cwd). */
  cwd?: string;
}

export interface ReadyParticipant {
  snapshot: RegistrySnapshot;
  exec: CubeExecution;
  layout: Layout;
  progress: Progress;
}

/** The registry's current state on disk and a cube execution reading cubes from it. */
export async function prepare(participant: Participant): Promise<ReadyParticipant> {
  const snapshot = await registrySnapshot(participant.sub, participant.home);
  const lay = layout(participant.home);
  const exec = cubeAccess({
    runner: participant.runner,
    layout: lay,
    registry: snapshot.registry,
    onWarning: participant.onWarning,
    containerLoglevel: participant.containerLoglevel,
    sandbox: participant.sandbox,
  });
  return { snapshot, exec, layout: lay, progress: participant.progress ?? silentProgress };
}

export function me(participant: Participant): string {
  return participant.sub.user.toLowerCase();
}
