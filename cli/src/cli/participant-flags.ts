/**
 * A Participant for a command: the active profile's forge and user (`--profile`), $GITPERF_HOME, the
 * runner (`--runner`), progress on stderr unless --json, warnings through the command's reporter, and
 * terminal consent (`-y` answers yes).
 */
import { Flags } from '@oclif/core';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { gitperfHome } from '../infra/gitperf-home.js';
import { terminalConsent } from '../participants/consent.js';
import type { Participant } from '../participants/context.js';
import { chooseRunner, RUNNERS } from '../workflows/execution-options.js';
import { consoleProgress, silentProgress } from '../workflows/progress.js';
import { containerLoglevelFlag, sandboxFromFlags, unsafeNoSandboxFlag } from './execution-flags.js';
import { activeSubmissions, profileFlags } from './profile-flag.js';

export const participantFlags = {
  ...profileFlags,
};

export const runnerFlag = {
  ...containerLoglevelFlag,
  ...unsafeNoSandboxFlag,
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
  flags: {
    profile?: string;
    runner?: string;
    yes?: boolean;
    'container-loglevel'?: string;
    'unsafe-no-sandbox'?: boolean;
  },
  json: boolean,
  report: (d: Diagnostic) => void,
): Promise<Participant> {
  return {
    sub: await activeSubmissions(flags),
    home: gitperfHome(),
    runner: await chooseRunner(flags.runner),
    containerLoglevel: flags['container-loglevel'],
    sandbox: sandboxFromFlags(flags),
    progress: json ? silentProgress : consoleProgress(),
    onWarning: report,
    consent: terminalConsent({ yes: flags.yes, json }),
  };
}
