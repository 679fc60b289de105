/**
 * Encrypted results (issue 11). A benchmark whose sharing is stricter than full keeps its results encrypted
 * (registry/result-readers.ts): once a committee member has published an age recipient (so encryption is
 * possible), a new or changed result with its metrics in the clear is refused, `policy.result-not-encrypted`
 * (before that, `result submit` itself refuses, telling the committee to publish one).
 *
 * Re-encrypting a result: a committee member changes who can decrypt an encrypted result — a member
 * who joined the committee, a model owner or data owner who published an age recipient later, a member who
 * left — without the data owner: the measurements and the digest the runner signed are unchanged, only
 * `spec.encrypted.recipients` and `spec.encrypted.ciphertext` are. The recipients must be exactly the readers
 * the benchmark's policy allows (registry/result-readers.ts) among those who published a recipient; another
 * committee member approves, as for the committee's other decisions. Whoever could decrypt the old ciphertext
 * keeps what they read: re-encryption only protects what is read from now on.
 */
import { resultReaders, resultsEncrypted } from '../../registry/result-readers.js';
import type { ChangeUnderReview } from './change-under-review.js';
import { formatWho } from './wording.js';

/** The only fields a re-encryption changes. */
export const REENCRYPTION_FIELDS: readonly string[] = [
  'spec.encrypted.recipients',
  'spec.encrypted.ciphertext',
];

/** True when a modified result changes nothing but its ciphertext and recipients (same signed digest). */
export function isReencryption(review: ChangeUnderReview<'Result'>): boolean {
  const fields = review.change.fields;
  return (
    review.action === 'modified' &&
    fields.length > 0 &&
    fields.every((field) => REENCRYPTION_FIELDS.includes(field))
  );
}

export function checkReencryption(review: ChangeUnderReview<'Result'>): void {
  const benchmarkName = review.info.benchmark ?? '';
  const author = review.author.login;
  const committee = review.merged.committee(benchmarkName);
  if (!committee.includes(author)) {
    review.violate(
      'policy.reencrypt-not-committee',
      `only a committee member of benchmark ${benchmarkName} (${formatWho(committee)}) re-encrypts ${review.describe()}; @${author} is not one`,
      'spec.encrypted',
    );
    return;
  }
  const benchmark = review.merged.benchmark(benchmarkName);
  const after = review.after;
  if (!benchmark || !after?.spec.encrypted) return; // the validator reports what is missing
  const readers = resultReaders(
    benchmark,
    { model: after.spec.model, dataOwner: review.info.owner ?? after.metadata.owner },
    (login) => review.merged.entity('User', login)?.spec?.ageRecipients,
  );
  const given = [...after.spec.encrypted.recipients].sort();
  if (given.join(',') !== readers.logins.join(',')) {
    review.violate(
      'policy.reencrypt-readers',
      `${review.describe()} must be encrypted to exactly the readers benchmark ${benchmarkName} allows who published an age recipient (${readers.logins.join(', ') || 'none'}), not to ${given.join(', ')}; run \`gitperf result reencrypt --benchmark ${benchmarkName}\` on the merged registry`,
      'spec.encrypted.recipients',
    );
    return;
  }
  const others = committee.filter((member) => member !== author);
  if (others.length > 0)
    review.need(
      'approval.committee',
      others,
      `${review.describe()} is re-encrypted by @${author}, so another committee member approves: ${formatWho(others)} ` +
        "(the data owner's consent is not needed: the measurements and the digest the runner signed are unchanged)",
    );
  const before = ((review.beforeDocument?.data.spec as { encrypted?: { recipients?: string[] } } | undefined)
    ?.encrypted?.recipients ?? []) as string[];
  const removed = before.filter((login) => !given.includes(login));
  const added = given.filter((login) => !before.includes(login));
  review.announce(
    `re-encrypted to ${given.join(', ')}${added.length ? `; added ${added.join(', ')}` : ''}${removed.length ? `; removed ${removed.join(', ')} (what they already read stays read)` : ''}`,
  );
}

/** Refuses a plain result where the benchmark keeps results encrypted and its committee can read them. */
export function checkEncryptedWhenRequired(review: ChangeUnderReview<'Result'>): void {
  const after = review.after;
  if (!after || after.spec.encrypted) return;
  const benchmarkName = review.info.benchmark ?? '';
  const benchmark = review.merged.benchmark(benchmarkName);
  if (!benchmark || !resultsEncrypted(benchmark)) return;
  const readers = resultReaders(
    benchmark,
    { model: after.spec.model, dataOwner: review.info.owner ?? after.metadata.owner },
    (login) => review.merged.entity('User', login)?.spec?.ageRecipients,
  );
  if (!readers.committeeCanRead) return;
  review.violate(
    'policy.result-not-encrypted',
    `${review.describe()} has its metrics in the clear, but benchmark ${benchmarkName} shares ${benchmark.spec.policy.sharing}, so its results are stored encrypted to those it lets read them (${readers.logins.join(', ')}); submit it with \`gitperf result submit\`, which encrypts it`,
    'spec.metrics',
  );
}
