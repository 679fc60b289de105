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

/** `--dir` for read-only commands: read a registry folder instead of the active profile's registry. */
export const registryDirFlags = {
  dir: Flags.string({
    description: 'registry folder to read (default: the local profile registry, else ./registry)',
    helpValue: 'DIR',
  }),
};
