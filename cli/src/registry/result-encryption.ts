/**
 * A Result's measurements encrypted to the readers the benchmark's policy allows (result-readers.ts), before
 * it is signed and submitted: `spec.metrics` and `spec.sufficientStatistics` leave the envelope and
 * `spec.encrypted` holds the age ciphertext, the readers' logins and the digest the signature covers. And the
 * way back: the measurements of an encrypted result, decrypted with a reader's identities and checked
 * against that digest (result show, result reencrypt, leaderboard build).
 */
import { fail, GitperfError } from '../diagnostics/diagnostic.js';
import {
  decryptMeasurements,
  encryptMeasurements,
  type JsonValue,
  type Measurements,
  measurementsDigest,
  withNonce,
} from '../trust/index.js';
import { countsProblems } from './consistency-rules.js';
import type { RegistryIndex } from './registry-index.js';
import { type ResultReaders, resultReaders } from './result-readers.js';
import { measurementsOutOfBounds } from './schema.js';
import type { Benchmark, Result, SufficientStatistics } from './types.generated.js';

/** The readers of `result` in the registry `index` (users' recipients from their User entities). */
export function readersInRegistry(index: RegistryIndex, benchmark: Benchmark, result: Result): ResultReaders {
  return resultReaders(
    benchmark,
    { model: result.spec.model, dataOwner: result.metadata.owner },
    (login) => index.get('User', login)?.entity.spec?.ageRecipients,
  );
}

/**
 * Refuses (before anything is opened) a result nobody on the committee could read: the leaderboard is built
 * from the committee's identity, so such a result would be lost to it.
 */
export function requireCommitteeReader(readers: ResultReaders, benchmarkName: string): void {
  if (readers.committeeCanRead) return;
  const committee = readers.readers.filter((reader) => reader.roles.includes('committee'));
  fail(
    'result.no-committee-recipient',
    `benchmark ${benchmarkName} keeps results encrypted (its sharing is stricter than full), but no committee member (${committee.map((reader) => reader.login).join(', ')}) has published an age recipient, so nobody could build its leaderboard from this result; a committee member runs \`gitperf user age-key\` (it makes an identity in $GITPERF_HOME/keys/age and submits the recipient to their User entity), and once that is merged, submit again`,
  );
}

/** The plain measurements of a result (its metrics and sufficient statistics). */
export function plainMeasurementsOf(result: Result): Measurements {
  return {
    metrics: (result.spec.metrics ?? {}) as Record<string, number>,
    ...(result.spec.sufficientStatistics !== undefined
      ? { sufficientStatistics: result.spec.sufficientStatistics as unknown as JsonValue }
      : {}),
  };
}

/** A result sealed for its readers, with the exact measurements its ciphertext holds. */
export interface SealedResult {
  /** The result with `spec.encrypted` in place of its measurements (sign it afterwards). */
  entity: Result;
  /** What the ciphertext decrypts to (with its nonce): what the consent screen shows. */
  plaintext: Measurements;
}

/**
 * `result` with its measurements encrypted to `readers` (a new object; sign it afterwards). When `previous`
 * (the registry's version of the same result, with the measurements its reader decrypted) holds the same
 * measurements for the same readers, its encryption is kept: a result submitted again is then the same file,
 * not a new ciphertext of the same numbers (age encryption is randomised).
 */
export async function encryptResult(
  result: Result,
  readers: ResultReaders,
  previous?: { entity: Result; measurements?: Measurements },
): Promise<Result> {
  return (await sealResult(result, readers, previous)).entity;
}

/** `encryptResult`, also giving the plaintext inside the ciphertext (for the consent screen). */
export async function sealResult(
  result: Result,
  readers: ResultReaders,
  previous?: { entity: Result; measurements?: Measurements },
): Promise<SealedResult> {
  const plain = plainMeasurementsOf(result);
  const kept = previous?.entity.spec.encrypted;
  const nonce = previous?.measurements?.nonce;
  const encrypted: Result = structuredClone(result);
  delete encrypted.spec.metrics;
  delete encrypted.spec.sufficientStatistics;
  delete encrypted.spec.signature; // it covered the plain digest
  if (
    kept &&
    nonce &&
    kept.recipients.join(',') === readers.logins.join(',') &&
    measurementsDigest({ ...plain, nonce }) === kept.measurementsSha256
  ) {
    encrypted.spec.encrypted = structuredClone(kept);
    return { entity: encrypted, plaintext: { ...plain, nonce } };
  }
  // The nonce is drawn here rather than inside encryptMeasurements, so the plaintext shown is the one sealed.
  const salted = withNonce(plain);
  const { ciphertext, measurementsSha256 } = await encryptMeasurements(salted, readers.recipients);
  encrypted.spec.encrypted = { scheme: 'age', recipients: readers.logins, ciphertext, measurementsSha256 };
  return { entity: encrypted, plaintext: salted };
}

/** Why an encrypted result could not be read with the given identities (the reader is not a recipient, ...). */
const NOT_READABLE = new Set(['trust.age-not-recipient', 'trust.age-no-identity']);

/** What an encrypted result keeps public about its measurements: the ciphertext and the signed digest. */
export interface SealedMeasurements {
  ciphertext: string;
  measurementsSha256: string;
}

/**
 * Sealed measurements opened with `identities`; undefined when none of them is a recipient. A corrupted
 * ciphertext or a digest mismatch is still an error (the registry is wrong, not the reader).
 */
export async function openSealedMeasurements(
  sealed: SealedMeasurements,
  identities: readonly string[],
  what: string,
): Promise<Measurements | undefined> {
  if (identities.length === 0) return undefined;
  try {
    const { measurements, measurementsSha256 } = await decryptMeasurements(
      sealed.ciphertext,
      identities,
      what,
    );
    if (measurementsSha256 !== sealed.measurementsSha256)
      fail(
        'result.measurements-digest-mismatch',
        `${what}: the decrypted measurements have SHA-256 ${measurementsSha256}, but spec.encrypted.measurementsSha256 is ${sealed.measurementsSha256}; the ciphertext does not belong to this result`,
      );
    const outOfBounds = measurementsOutOfBounds(measurements);
    if (outOfBounds)
      fail(
        'result.measurements-out-of-bounds',
        `${what}: the decrypted measurements break the Result schema's bounds (${outOfBounds}); a result made by gitperf never does: ask its data owner to resubmit it`,
      );
    // The validator checks plain results' counts; sealed ones are checked here, once opened.
    const [mismatch] = measurements.sufficientStatistics
      ? // Bounds-checked just above: the schema's SufficientStatistics.
        countsProblems(measurements.sufficientStatistics as unknown as SufficientStatistics)
      : [];
    if (mismatch)
      fail(
        'result.counts-mismatch',
        `${what}: the decrypted sufficient statistics do not add up (${mismatch.message}); a result made by gitperf never does: ask its data owner to resubmit it`,
      );
    return measurements;
  } catch (problem) {
    if (problem instanceof GitperfError && NOT_READABLE.has(problem.diagnostic.code)) return undefined;
    throw problem;
  }
}

/** The measurements of `result` when the identities can read them (plain results always); else undefined. */
export async function readableMeasurements(
  result: Result,
  identities: readonly string[],
  what: string,
): Promise<Measurements | undefined> {
  if (!result.spec.encrypted) return plainMeasurementsOf(result);
  return openSealedMeasurements(result.spec.encrypted, identities, what);
}
