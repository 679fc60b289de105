/**
 * `gitperf user add`: an admin registers members (MedPerf's "admin creates users") by opening one
 * submission that adds `registry/users/<login>.yaml` for each, so nobody has to write User files by
 * hand from the schema. The policy decides who must approve (another admin, unless the only admin acts).
 */
import { readFile } from 'node:fs/promises';
import { fail, GitperfError, warning } from '../diagnostics/diagnostic.js';
import { homeLayout } from '../infra/gitperf-home.js';
import { isName } from '../registry/kinds.js';
import { repoEntityPath } from '../registry/layout.js';
import type { User } from '../registry/types.generated.js';
import { checkAgeRecipient, formatPublicKey, parsePublicKey } from '../trust/index.js';
import { localMemberAgeRecipients } from './age-identity.js';
import type { Participant } from './context.js';
import { checkSchema } from './mlcube-submit.js';
import { registrySnapshot } from './snapshot.js';
import { entityFile, type SubmitOutcome, submit } from './submit.js';

export interface UserAddInput {
  /** GitHub logins (any case; stored lower-case, as paths and owners are). */
  logins: string[];
  displayName?: string;
  organization?: string;
  email?: string;
  /** Give the admin role. */
  admin?: boolean;
  /**
   * The member's SSH public key lines (one login only). Default: the key `gitperf profile create` made for
   * the login in this `$GITPERF_HOME` (`keys/users/<login>.pub`), when there is one.
   */
  sshKeys?: string[];
  /**
   * Their age recipients (one login only). Default: those of the identity `gitperf user age-key` made for the
   * login in this `$GITPERF_HOME` (`keys/age/<login>`), when there is one.
   */
  ageRecipients?: string[];
}

/**
 * The public key line of `login`'s signing key in `home` (`keys/users/<login>.pub`), when that member's
 * profile was made on this machine (the demo, a trial); undefined otherwise.
 */
export async function localMemberKey(home: string, login: string): Promise<string | undefined> {
  const file = `${homeLayout(home).userKey(login)}.pub`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  return normalizedKey(text, file);
}

/** The key line as the schema stores it: `ssh-ed25519 <base64> [comment]`, checked to be an Ed25519 key. */
function normalizedKey(line: string, what: string): string {
  try {
    const { key, comment } = parsePublicKey(line, what);
    return formatPublicKey(key, comment);
  } catch (e) {
    if (e instanceof GitperfError) fail(e.diagnostic.code, e.diagnostic.message, {}, 2);
    throw e;
  }
}

export interface UserAddOutcome extends SubmitOutcome {
  paths: string[];
  entities: User[];
}

export async function addUsers(participant: Participant, input: UserAddInput): Promise<UserAddOutcome> {
  if (input.logins.length === 0) fail('user.no-login', 'name at least one login to add', {}, 2);
  const logins = [...new Set(input.logins.map((login) => login.toLowerCase()))];
  for (const login of logins)
    if (!isName(login))
      fail(
        'user.login-invalid',
        `"${login}" is not a valid login (letters, digits and single hyphens, 1 to 63 characters, no hyphen at either end)`,
        {},
        2,
      );
  if (
    logins.length > 1 &&
    (input.displayName || input.email || input.sshKeys?.length || input.ageRecipients?.length)
  )
    fail(
      'user.one-person-flag',
      '--name, --email, --ssh-key and --age-recipient describe one person; add users one at a time to give them',
      {},
      2,
    );
  const snapshot = await registrySnapshot(participant.sub, participant.home);
  for (const login of logins)
    if (snapshot.registry.index.get('User', login))
      fail('user.exists', `${login} is already a registered user (${repoEntityPath('User', login)})`, {}, 2);
  const given = (input.sshKeys ?? []).map((line) => normalizedKey(line, `--ssh-key "${line}"`));
  const keys = await Promise.all(
    logins.map(async (login) => {
      if (given.length > 0) return [...new Set(given)];
      const local = await localMemberKey(participant.home, login);
      return local ? [local] : [];
    }),
  );
  const ageRecipients = await Promise.all(
    logins.map(async (login) =>
      input.ageRecipients?.length
        ? [...new Set(input.ageRecipients.map((line) => checkAgeRecipient(line, '--age-recipient')))]
        : ((await localMemberAgeRecipients(participant.home, login)) ?? []),
    ),
  );
  const withoutKey = logins.filter((_, index) => keys[index].length === 0);
  if (withoutKey.length > 0 && participant.sub.forge.signsReviews)
    participant.onWarning?.(
      warning(
        'user.no-ssh-key',
        `no SSH key for ${withoutKey.join(', ')} (pass --ssh-key "ssh-ed25519 AAAA..." with the line \`gitperf profile create\` printed for them): on the local forge their reviews and merges will not count until a key is registered in their User file`,
      ),
    );
  const entities = logins.map((login, index): User => {
    const spec: User['spec'] = {
      ...(keys[index].length > 0 ? { sshKeys: keys[index] } : {}),
      ...(ageRecipients[index].length > 0 ? { ageRecipients: ageRecipients[index] } : {}),
      ...(input.admin ? { roles: ['admin'] } : {}),
      ...(input.displayName ? { displayName: input.displayName } : {}),
      ...(input.organization ? { organization: input.organization } : {}),
      ...(input.email ? { email: input.email } : {}),
    };
    const entity: User = { apiVersion: 'gitperf/v1', kind: 'User', metadata: { name: login }, spec };
    checkSchema('User', entity);
    return entity;
  });
  const paths = logins.map((login) => repoEntityPath('User', login));
  const title =
    logins.length === 1 ? `Add user ${logins[0]}` : `Add ${logins.length} users: ${logins.join(', ')}`;
  const outcome = await submit(
    participant,
    entities.map((entity, index) => entityFile(paths[index], entity)),
    { title },
  );
  return { ...outcome, paths, entities };
}
