/**
 * Reviews reduced to verdicts, the way GitHub counts them: each reviewer's latest APPROVED,
 * CHANGES_REQUESTED or DISMISSED review is their verdict (a later COMMENTED review does not cancel it),
 * and an approval counts only when it was given on the pull request's current head commit.
 */
import { verifyRecordSignature } from '../trust/index.js';
import type { Review, UncountedReview } from './types.js';

export interface Verdicts {
  /** Logins (lower-case) whose latest verdict approves the current head. */
  approvedBy: Set<string>;
  /** Logins whose latest verdict requests changes (on any commit: GitHub keeps it until dismissed). */
  changesRequestedBy: Set<string>;
  /** Logins whose latest verdict approved an older commit: their approval went stale with a new push. */
  staleApprovalBy: Set<string>;
}

const VERDICT_STATES = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

export function reduceReviews(reviews: readonly Review[], headSha: string): Verdicts {
  const latest = new Map<string, { review: Review; index: number }>();
  reviews.forEach((review, index) => {
    if (!VERDICT_STATES.has(review.state)) return;
    const who = review.reviewer.toLowerCase();
    const prev = latest.get(who);
    // Order by submission time; the input order breaks ties (GitHub lists reviews chronologically).
    if (!prev || compareTime(review.submittedAt, prev.review.submittedAt) >= 0)
      latest.set(who, { review, index });
  });
  const verdicts: Verdicts = {
    approvedBy: new Set(),
    changesRequestedBy: new Set(),
    staleApprovalBy: new Set(),
  };
  for (const [who, { review }] of latest) {
    if (review.state === 'APPROVED') {
      if (sameSha(review.commitSha, headSha)) verdicts.approvedBy.add(who);
      else verdicts.staleApprovalBy.add(who);
    } else if (review.state === 'CHANGES_REQUESTED') {
      verdicts.changesRequestedBy.add(who);
    }
  }
  return verdicts;
}

function compareTime(left: string, right: string): number {
  const ta = Date.parse(left);
  const tb = Date.parse(right);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return 0;
  return ta - tb;
}

/**
 * A review counts on exactly the commit it names: full object ids only (40 hex digits, or 64 for SHA-256
 * repositories). A prefix could name a commit an attacker made to share it.
 */
function sameSha(left: string, right: string): boolean {
  return FULL_SHA.test(left) && left.toLowerCase() === right.toLowerCase();
}

export const FULL_SHA = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/**
 * The reviews that count where reviews must be signed (the local forge): a verdict counts only when its
 * signature over its review record verifies against a key registered for the reviewer. `keysOf` gives the
 * reviewer's registered keys and the file that registers them (undefined for someone not registered).
 * Comments are never verdicts, so they are kept as they are.
 */
export function signedReviews(
  reviews: readonly Review[],
  submission: number,
  keysOf: (login: string) => { keys: readonly string[]; file: string },
): { counted: Review[]; uncounted: UncountedReview[] } {
  const counted: Review[] = [];
  const uncounted: UncountedReview[] = [];
  for (const review of reviews) {
    if (!VERDICT_STATES.has(review.state)) {
      counted.push(review);
      continue;
    }
    const login = review.reviewer.toLowerCase();
    const { keys, file } = keysOf(login);
    const verdict = verifyRecordSignature({
      kind: 'review',
      record: {
        submission,
        headSha: review.commitSha,
        reviewer: review.reviewer,
        state: review.state,
        submittedAt: review.submittedAt,
      },
      signature: review.signature,
      registeredKeys: keys,
      keysFile: file,
    });
    if (verdict.ok) counted.push(review);
    else {
      const why = `review by ${login} not counted: ${verdict.why}`;
      if (!uncounted.some((u) => u.why === why)) uncounted.push({ reviewer: login, why });
    }
  }
  return { counted, uncounted };
}
