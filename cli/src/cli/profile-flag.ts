/**
 * The `--profile` flag every command that talks to a registry takes, and the helpers that turn it into
 * the active profile and a Forge. Spread `profileFlags` into a command's flags.
 */
import { Flags } from '@oclif/core';
import { createForge, type ForgeSession } from '../forge/index.js';
import { type NamedProfile, resolveProfile } from '../profile/profile.js';
import { type SubmissionContext, submissionContext } from '../submission/context.js';

export const profileFlags = {
  profile: Flags.string({
    description:
      'profile to use (default: $GITPERF_PROFILE, then the current profile in $GITPERF_HOME/config.yaml)',
    helpGroup: 'GLOBAL',
  }),
};

/** The profile named by `--profile`, `$GITPERF_PROFILE`, or the config's current one. */
export function activeProfile(flags: { profile?: string }): Promise<NamedProfile> {
  return resolveProfile(flags.profile);
}

/** The active profile and a forge acting as its user. */
export async function activeForge(flags: {
  profile?: string;
}): Promise<ForgeSession & { profile: NamedProfile }> {
  const profile = await activeProfile(flags);
  return { ...(await createForge(profile.profile)), profile };
}

/** The submission context (forge, acting user, where the policy reads submissions) of the active profile. */
export async function activeSubmissions(flags: {
  profile?: string;
}): Promise<SubmissionContext & { profile: NamedProfile }> {
  const session = await activeForge(flags);
  return { ...submissionContext(session), profile: session.profile, profileFlag: flags.profile };
}

/**
 * The submission context of a GitHub workflow step (`--github`: repository, token and acting bot from
 * GITHUB_REPOSITORY, GITHUB_TOKEN and GITPERF_BOT), else the active profile's.
 */
export async function workflowOrProfileSubmissions(flags: {
  github?: boolean;
  profile?: string;
}): Promise<SubmissionContext> {
  if (!flags.github) return activeSubmissions(flags);
  const { readActionsEnvironment, actionsForge } = await import('../forge/github/actions-environment.js');
  const { actionsContext } = await import('../submission/context.js');
  const actions = readActionsEnvironment();
  return actionsContext(actions, actionsForge(actions));
}

/**
 * `--registry` for read-only commands: read a registry folder instead of the active profile's registry. The
 * same flag, with the same meaning, as on the commands that run cubes (`--dir` is kept as an alias).
 */
export const registryDirFlags = {
  registry: Flags.string({
    aliases: ['dir'],
    description:
      "registry folder (or the repository holding registry/) to read instead of the profile's registry (default: the local profile's registry, else ./registry)",
    helpValue: 'DIR',
  }),
};
