/**
 * Signed records of the local forge: a review and a merge, each an SSHSIG (PROTOCOL.sshsig, Ed25519,
 * sha512) over the RFC 8785 canonical JSON of the record, by the acting member's key. The local forge has
 * no server to vouch for who acted, so the record's signature is the only proof; a verifier accepts it
 * only when the signing key is one of the keys the member's User entity registers (`spec.sshKeys`).
 *
 *   review: {"format":"gitperf-review/1","headSha":..,"reviewer":..,"state":..,"submission":N,"submittedAt":..}
 *   merge:  {"base":..,"baseSha":..,"format":"gitperf-merge/1","headSha":..,"mergeSha":..,"mergedAt":..,
 *            "mergedBy":..,"submission":N}
 *
 * By hand: write those bytes (no trailing newline) to record.json, the signature to record.sig, and
 * `ssh-keygen -Y check-novalidate -n gitperf-review -s record.sig < record.json`.
 */
import { canonicalJsonBytes } from './canonical-json.js';
import { parsePublicKey } from './ssh-public-key.js';
import { checkSignature, signMessage } from './sshsig.js';

export const REVIEW_NAMESPACE = 'gitperf-review';
export const MERGE_NAMESPACE = 'gitperf-merge';

export interface ReviewRecord {
  /** The submission's number on its forge. */
  submission: number;
  /** The full head commit id the review was given on. */
  headSha: string;
  reviewer: string;
  state: string;
  submittedAt: string;
}

export interface MergeRecord {
  submission: number;
  /** The base branch's name, e.g. `main`. */
  base: string;
  /** The base branch's tip the merge commit's first parent is. */
  baseSha: string;
  headSha: string;
  /** The merge commit (its id covers its tree, parents and message). */
  mergeSha: string;
  mergedBy: string;
  mergedAt: string;
}

export function reviewRecordBytes(record: ReviewRecord): Buffer {
  const { submission, headSha, reviewer, state, submittedAt } = record;
  return canonicalJsonBytes({
    format: 'gitperf-review/1',
    submission,
    headSha,
    reviewer,
    state,
    submittedAt,
  });
}

export function mergeRecordBytes(record: MergeRecord): Buffer {
  const { submission, base, baseSha, headSha, mergeSha, mergedBy, mergedAt } = record;
  return canonicalJsonBytes({
    format: 'gitperf-merge/1',
    submission,
    base,
    baseSha,
    headSha,
    mergeSha,
    mergedBy,
    mergedAt,
  });
}

type SigningKey = { seed: Uint8Array; publicKey: Uint8Array };

export function signReviewRecord(record: ReviewRecord, key: SigningKey): string {
  return signMessage(reviewRecordBytes(record), key, REVIEW_NAMESPACE);
}

export function signMergeRecord(record: MergeRecord, key: SigningKey): string {
  return signMessage(mergeRecordBytes(record), key, MERGE_NAMESPACE);
}

/** Why a record's signature does not count, or ok. Never throws: a bad signature is an expected answer. */
export type RecordVerdict = { ok: true } | { ok: false; why: string };

/**
 * Checks a signature over a record against the member's registered public key lines (`spec.sshKeys`);
 * `keysFile` names where they are registered, for the message.
 */
export function verifyRecordSignature(input: {
  kind: 'review' | 'merge';
  record: ReviewRecord | MergeRecord;
  signature: string | undefined;
  registeredKeys: readonly string[];
  keysFile: string;
}): RecordVerdict {
  const { kind, signature, registeredKeys, keysFile } = input;
  if (!signature) return { ok: false, why: 'it is not signed' };
  if (registeredKeys.length === 0)
    return { ok: false, why: `${keysFile} registers no SSH key (spec.sshKeys)` };
  const bytes =
    kind === 'review'
      ? reviewRecordBytes(input.record as ReviewRecord)
      : mergeRecordBytes(input.record as MergeRecord);
  const check = checkSignature(bytes, signature, kind === 'review' ? REVIEW_NAMESPACE : MERGE_NAMESPACE);
  if (!check.ok) return { ok: false, why: `signature does not verify (${check.diagnostic.message})` };
  const signer = check.signature.publicKey;
  for (const line of registeredKeys) {
    try {
      if (parsePublicKey(line).key.equals(signer)) return { ok: true };
    } catch {
      // A malformed registered key matches nothing; the validator reports it on the User file.
    }
  }
  return { ok: false, why: `signature does not verify against ${keysFile}` };
}
