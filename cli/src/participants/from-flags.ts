/**
 * A Participant for a command: the active profile's forge and user (`--profile`), $GITPERF_HOME, the
 * runner (`--runner`), progress on stderr unless --json, warnings through the command's reporter, and
 * terminal consent (`-y` answers yes).
 */
import { Flags } from '@oclif/core';
import { activeSubmissions, profileFlags } from '../cli/profile-flag.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { gitperfHome } from '../profile/profile.js';
import { chooseRunner, containerLoglevelFlag, RUNNERS } from '../workflows/flags.js';
import { consoleProgress, silentProgress } from '../workflows/progress.js';
import { terminalConsent } from './consent.js';
import type { Participant } from './context.js';

export const participantFlags = {
  ...profileFlags,
};

export const runnerFlag = {
  ...containerLoglevelFlag,
  runner: Flags.string({
    options: [...RUNNERS],
    description:
      'how cubes run for the compatibility test: podman/docker/singularity/apptainer, or local (bwrap sandbox). Default: $GITPERF_RUNNER, else podman or docker when installed, else local',
  }),
};

export const yesFlag = {
  yes: Flags.boolean({ char: 'y', description: 'consent in advance: publish what is shown without asking' }),
};

export async function participantFromFlags(
  flags: { profile?: string; runner?: string; yes?: boolean; 'container-loglevel'?: string },
  json: boolean,
  report: (d: Diagnostic) => void,
): Promise<Participant> {
  return {
    sub: await activeSubmissions(flags),
    home: gitperfHome(),
    runner: await chooseRunner(flags.runner),
    containerLoglevel: flags['container-loglevel'],
    progress: json ? silentProgress : consoleProgress(),
    onWarning: report,
    consent: terminalConsent({ yes: flags.yes, json }),
  };
}
