/**
 * Pushing new content to one's own open submission (after a request for changes). Approvals given
 * on the old head stop counting: the policy only counts approvals of the current head.
 */
import type { SubmissionFile } from '../forge/forge.js';
import type { SubmissionContext } from './context.js';
import { type EvaluatedSubmission, evaluateSubmission } from './evaluate.js';

export async function updateSubmission(
  ctx: SubmissionContext,
  number: number,
  files: SubmissionFile[],
  message?: string,
): Promise<EvaluatedSubmission & { decision: NonNullable<EvaluatedSubmission['decision']> }> {
  await ctx.forge.pushToSubmission(number, files, message);
  return evaluateSubmission(ctx, number);
}
