/**
 * The `--identity FILE` flag of the commands that read encrypted results (result show/list, result
 * reencrypt, leaderboard build/show), and the identities it names: the flag, else `$GITPERF_AGE_IDENTITY`,
 * else every identity file in `$GITPERF_HOME/keys/age/` (participants/age-identity.ts).
 */
import { Flags } from '@oclif/core';
import { gitperfHome } from '../infra/gitperf-home.js';
import { AGE_IDENTITY_ENV, type ReaderIdentities, readerIdentities } from '../participants/index.js';

export const identityFlags = {
  identity: Flags.string({
    description: `an age identity file (AGE-SECRET-KEY-1... lines, as age-keygen writes) to decrypt encrypted results with (default: $${AGE_IDENTITY_ENV}, then every file in $GITPERF_HOME/keys/age/)`,
    helpValue: 'FILE',
  }),
};

export function identitiesFromFlags(flags: { identity?: string }): Promise<ReaderIdentities> {
  return readerIdentities(gitperfHome(), { identityFile: flags.identity, env: process.env });
}
