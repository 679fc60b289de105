/**
 * `gitperf user age-key`: a member makes their age identity on this machine (`$GITPERF_HOME/keys/age/<login>`,
 * mode 0600; reused when it exists) and opens a submission adding its recipient to their User entity
 * (`spec.ageRecipients`; a User change, so an admin approves it). From then on, results of benchmarks that keep
 * them private are encrypted to them where the policy lets them read; results submitted earlier reach them
 * when a committee member re-encrypts (`gitperf result reencrypt`).
 */
import { repoEntityPath } from '../registry/layout.js';
import type { User } from '../registry/types.generated.js';
import { ensureMemberAgeIdentity } from './age-identity.js';
import { me, type Participant } from './context.js';
import { checkSchema } from './mlcube-submit.js';
import { registrySnapshot } from './snapshot.js';
import { entityFile, type SubmitOutcome, submit } from './submit.js';

export interface AgeKeyOutcome {
  login: string;
  identityFile: string;
  recipient: string;
  /** True when the identity was made now. */
  created: boolean;
  /** True when the User entity already lists the recipient (nothing opened). */
  alreadyPublished: boolean;
  /** False when the login has no User entity yet (nothing opened; `user add --age-recipient` publishes it). */
  registered: boolean;
  /** The submission adding the recipient to the User entity (absent when already published). */
  submission?: SubmitOutcome;
}

export async function publishAgeKey(participant: Participant): Promise<AgeKeyOutcome> {
  const login = me(participant);
  const { file, recipients, created } = await ensureMemberAgeIdentity(participant.home, login);
  const recipient = recipients[0];
  const snapshot = await registrySnapshot(participant.sub, participant.home);
  const user = snapshot.registry.index.get('User', login)?.entity;
  const base = { login, identityFile: file, recipient, created };
  // Not registered yet: the admin's `gitperf user add` publishes it (by default when run on this machine).
  if (!user) return { ...base, alreadyPublished: false, registered: false };
  const published = user.spec?.ageRecipients ?? [];
  if (published.includes(recipient)) return { ...base, alreadyPublished: true, registered: true };
  const updated: User = structuredClone(user);
  updated.spec = { ...(updated.spec ?? {}), ageRecipients: [...published, recipient] };
  checkSchema('User', updated);
  const submission = await submit(participant, [entityFile(repoEntityPath('User', login), updated)], {
    title: `Publish an age recipient of ${login}`,
  });
  return { ...base, alreadyPublished: false, registered: true, submission };
}
