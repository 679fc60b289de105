/**
 * `gitperf user add`: an admin registers members (MedPerf's "admin creates users") by opening one
 * submission that adds `registry/users/<login>.yaml` for each, so nobody has to write User files by
 * hand from the schema. The policy decides who must approve (another admin, unless the only admin acts).
 */
import { fail } from '../diagnostics/diagnostic.js';
import { isName } from '../registry/layout.js';
import type { User } from '../registry/types.generated.js';
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
  if (logins.length > 1 && (input.displayName || input.email))
    fail(
      'user.one-person-flag',
      '--name and --email describe one person; add users one at a time to give them',
      {},
      2,
    );
  const snapshot = await registrySnapshot(participant.sub, participant.home);
  for (const login of logins)
    if (snapshot.registry.index.get('User', login))
      fail('user.exists', `${login} is already a registered user (registry/users/${login}.yaml)`, {}, 2);
  const entities = logins.map((login): User => {
    const spec: User['spec'] = {
      ...(input.admin ? { roles: ['admin'] } : {}),
      ...(input.displayName ? { displayName: input.displayName } : {}),
      ...(input.organization ? { organization: input.organization } : {}),
      ...(input.email ? { email: input.email } : {}),
    };
    const entity: User = { apiVersion: 'gitperf/v1', kind: 'User', metadata: { name: login }, spec };
    checkSchema('User', entity);
    return entity;
  });
  const paths = logins.map((login) => `registry/users/${login}.yaml`);
  const title =
    logins.length === 1 ? `Add user ${logins[0]}` : `Add ${logins.length} users: ${logins.join(', ')}`;
  const outcome = await submit(
    participant,
    entities.map((entity, index) => entityFile(paths[index], entity)),
    { title },
  );
  return { ...outcome, paths, entities };
}
