/**
 * Whether a result is signed, and the one marker every place that shows a result gives an unsigned one.
 * A result a runner produced carries the runner's signature (`spec.signature`, verified by `gitperf validate`
 * at merge: result-provenance.ts); one without is possible only when a data owner submits by hand. That is
 * allowed, and such a result is marked `unsigned` wherever it is shown: `(unsigned)` after its numbers in
 * text, `"signed": false` in JSON. Listings, the leaderboard, the consent screen and the policy's
 * announcement all ask here, so the rule and its wording live in one place.
 */

/** The word that marks an unsigned result. */
export const UNSIGNED = 'unsigned';

/** A result has its runner's signature (whether it verifies is the validator's question, asked at merge). */
export function isSignedResult(result: { spec: { signature?: string } }): boolean {
  return typeof result.spec.signature === 'string' && result.spec.signature.length > 0;
}

/** `text` as shown for a result: followed by ` (unsigned)` when it is not signed. */
export function markUnsigned(text: string, signed: boolean): string {
  return signed ? text : `${text} (${UNSIGNED})`;
}

/** Why a result is unsigned, in the words every explanation uses. */
export const UNSIGNED_WHY = 'submitted by hand, no runner signed it';
