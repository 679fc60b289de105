/**
 * Who may read a result's measurements when its benchmark keeps them private (issue 11): the one rule, read by
 * `result submit` and the runner's job (whom to encrypt to), the consent screen (who will be able to read
 * it), `result reencrypt` (the current readers) and the policy (a re-encryption names exactly them).
 *
 * - A benchmark whose `spec.policy.sharing` is stricter than `full` keeps every result encrypted: the
 *   registry is readable by everyone who can read the repository, so a plain per-site number there would
 *   release more than the policy does.
 * - The readers: every committee member, the data owner, and the model owner when the participants' level
 *   is `full` (the level that shows a model owner their own model × dataset rows).
 * - A reader is encrypted to with the age recipients of their User entity (`spec.ageRecipients`). A reader
 *   without any cannot be encrypted to: they are reported, and left out. At least one committee member must
 *   have one, since the committee builds the leaderboard from the ciphertexts.
 */
import { splitOwnedRef } from './kinds.js';
import { sharingSettings } from './sharing.js';
import type { Benchmark } from './types.generated.js';

export type ReaderRole = 'committee' | 'data owner' | 'model owner';

export interface ResultReader {
  login: string;
  /** Why they may read it (a committee member may also be the data owner). */
  roles: ReaderRole[];
  /** Their published age recipients; empty when they published none. */
  recipients: string[];
}

export interface ResultReaders {
  /** Every reader the policy allows, committee first, in a stable order. */
  readers: ResultReader[];
  /** The logins encrypted to (readers with recipients), sorted: what `spec.encrypted.recipients` lists. */
  logins: string[];
  /** Every recipient of those readers, deduplicated. */
  recipients: string[];
  /** Readers who published no age recipient (they cannot read the result until they do and it is re-encrypted). */
  withoutRecipients: ResultReader[];
  /** True when some committee member can be encrypted to. */
  committeeCanRead: boolean;
}

/** True when the benchmark's results are stored encrypted (its public sharing is stricter than `full`). */
export function resultsEncrypted(benchmark: Pick<Benchmark, 'spec'>): boolean {
  return sharingSettings(benchmark.spec.policy).sharing !== 'full';
}

/** True when the participants' level lets a model owner see their own model's rows. */
export function modelOwnerReads(benchmark: Pick<Benchmark, 'spec'>): boolean {
  return sharingSettings(benchmark.spec.policy).participants === 'full';
}

/**
 * The readers of a result of `benchmark` on a dataset of `dataOwner` by model `model` (`owner/name`);
 * `ageRecipientsOf(login)` gives a user's published recipients (undefined or empty: none).
 */
export function resultReaders(
  benchmark: Pick<Benchmark, 'spec'>,
  result: { model: string; dataOwner: string },
  ageRecipientsOf: (login: string) => readonly string[] | undefined,
): ResultReaders {
  const byLogin = new Map<string, ResultReader>();
  const add = (login: string, role: ReaderRole) => {
    const key = login.toLowerCase();
    const reader = byLogin.get(key) ?? {
      login: key,
      roles: [],
      recipients: [...(ageRecipientsOf(key) ?? [])],
    };
    if (!reader.roles.includes(role)) reader.roles.push(role);
    byLogin.set(key, reader);
  };
  for (const member of benchmark.spec.committee) add(member, 'committee');
  add(result.dataOwner, 'data owner');
  const modelOwner = splitOwnedRef(result.model)?.owner;
  if (modelOwner && modelOwnerReads(benchmark)) add(modelOwner, 'model owner');
  const readers = [...byLogin.values()];
  const able = readers.filter((reader) => reader.recipients.length > 0);
  return {
    readers,
    logins: able.map((reader) => reader.login).sort(),
    recipients: [...new Set(able.flatMap((reader) => reader.recipients))],
    withoutRecipients: readers.filter((reader) => reader.recipients.length === 0),
    committeeCanRead: able.some((reader) => reader.roles.includes('committee')),
  };
}

/** `ana (committee), hospital-a (data owner)`: who will be able to read, for the consent screen. */
export function describeReaders(readers: readonly ResultReader[]): string {
  return readers.map((reader) => `${reader.login} (${reader.roles.join(', ')})`).join(', ');
}
