/** Reviewing a submission as the acting user, and what the policy says afterwards. */
import type { Review, ReviewEvent } from '../forge/forge.js';
import type { SubmissionContext } from './context.js';
import { type EvaluatedSubmission, evaluateSubmission } from './evaluate.js';

export interface ReviewOutcome extends EvaluatedSubmission {
  review: Review;
  decision: NonNullable<EvaluatedSubmission['decision']>;
  /** Set when the review cannot count as an approval, saying why. */
  note?: string;
}

export async function reviewSubmission(
  ctx: SubmissionContext,
  number: number,
  event: ReviewEvent,
  body?: string,
): Promise<ReviewOutcome> {
  const review = await ctx.forge.review(number, ctx.user, event, body);
  const evaluated = await evaluateSubmission(ctx, number);
  let note: string | undefined;
  const mine = evaluated.decision.uncountedReviews?.find((u) => u.reviewer === ctx.user.toLowerCase());
  if (event === 'APPROVE' && evaluated.submission.author.toLowerCase() === ctx.user.toLowerCase())
    note = 'you opened this submission, so your own approval does not count; another approver must review it';
  else if (mine)
    note = `${mine.why}: a review counts only when signed with a key registered in your User file (\`gitperf profile create\` prints yours)`;
  else if (
    event === 'APPROVE' &&
    !evaluated.decision.approved.some((a) => a.by.includes(ctx.user.toLowerCase()))
  )
    note = 'the policy does not need your approval for this submission, so it does not count toward merging';
  return { ...evaluated, review, ...(note ? { note } : {}) };
}
