/**
 * A member's age identity: made on their machine (`$GITPERF_HOME/keys/age/<login>`, mode 0600) by
 * `gitperf user age-key`, its recipient published in their User entity (`spec.ageRecipients`), and the
 * identities a reader decrypts with: `--identity FILE`, else the file `GITPERF_AGE_IDENTITY` names, else every
 * identity file under `$GITPERF_HOME/keys/age/` (a shared machine, like the demo's, holds several members').
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { homeLayout } from '../infra/gitperf-home.js';
import { ensureAgeIdentityFile, readIdentityFile } from '../trust/index.js';

/** The environment variable naming an identity file (a workflow secret written to a file). */
export const AGE_IDENTITY_ENV = 'GITPERF_AGE_IDENTITY';

/** `login`'s identity in `home`, made when missing; its recipients. */
export async function ensureMemberAgeIdentity(
  home: string,
  login: string,
): Promise<{ file: string; recipients: string[]; created: boolean }> {
  const file = homeLayout(home).ageIdentity(login);
  return { file, ...(await ensureAgeIdentityFile(file)) };
}

/**
 * The recipients of `login`'s identity in `home`, when that member's identity was made on this machine (the
 * demo, a trial); undefined otherwise. `gitperf user add` publishes them by default.
 */
export async function localMemberAgeRecipients(home: string, login: string): Promise<string[] | undefined> {
  const file = homeLayout(home).ageIdentity(login);
  const names = await readdir(homeLayout(home).ageIdentities).catch(() => [] as string[]);
  if (!names.includes(login.toLowerCase())) return undefined;
  return (await ensureAgeIdentityFile(file)).recipients;
}

export interface ReaderIdentities {
  identities: string[];
  /** The files they came from (for messages). */
  files: string[];
}

/**
 * The identities to decrypt with: the given file, else `$GITPERF_AGE_IDENTITY`, else every file in
 * `$GITPERF_HOME/keys/age/`. No identity at all is an empty answer, not an error: encrypted results then
 * show as not readable.
 */
export async function readerIdentities(
  home: string,
  opts: { identityFile?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ReaderIdentities> {
  const named = opts.identityFile ?? (opts.env ?? process.env)[AGE_IDENTITY_ENV];
  if (named) return { identities: await readIdentityFile(named), files: [named] };
  const dir = homeLayout(home).ageIdentities;
  const files = (await readdir(dir).catch(() => [] as string[])).sort().map((name) => join(dir, name));
  const identities: string[] = [];
  for (const file of files) identities.push(...(await readIdentityFile(file)));
  return { identities, files };
}
