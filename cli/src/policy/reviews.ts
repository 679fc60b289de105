/**
 * Reviews reduced to verdicts, the way GitHub counts them: each reviewer's latest APPROVED,
 * CHANGES_REQUESTED or DISMISSED review is their verdict (a later COMMENTED review does not cancel it),
 * and an approval counts only when it was given on the pull request's current head commit.
 */
import type { Review } from './types.js';

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
  const v: Verdicts = { approvedBy: new Set(), changesRequestedBy: new Set(), staleApprovalBy: new Set() };
  for (const [who, { review }] of latest) {
    if (review.state === 'APPROVED') {
      if (sameSha(review.commitSha, headSha)) v.approvedBy.add(who);
      else v.staleApprovalBy.add(who);
    } else if (review.state === 'CHANGES_REQUESTED') {
      v.changesRequestedBy.add(who);
    }
  }
  return v;
}

function compareTime(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return 0;
  return ta - tb;
}

/**
 * A review counts on exactly the commit it names: full object ids only (40 hex digits, or 64 for SHA-256
 * repositories). A prefix could name a commit an attacker made to share it.
 */
function sameSha(a: string, b: string): boolean {
  return FULL_SHA.test(a) && a.toLowerCase() === b.toLowerCase();
}

export const FULL_SHA = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;
