/**
 * Pushing new content to one's own open submission (after a request for changes). Approvals given
 * on the old head stop counting: the policy only counts approvals of the current head.
 */
import { fail } from '../diagnostics/diagnostic.js';
import type { Forge, Submission, SubmissionFile } from '../forge/forge.js';
import type { SubmissionContext } from './context.js';
import { type EvaluatedSubmission, evaluateSubmission } from './evaluate.js';

/** Both forges implement this beside the `Forge` interface (local: a new head ref; GitHub: a branch commit). */
interface PushableForge extends Forge {
  pushToSubmission(number: number, files: SubmissionFile[], message?: string): Promise<Submission>;
}

function canPush(f: Forge): f is PushableForge {
  return typeof (f as Partial<PushableForge>).pushToSubmission === 'function';
}

export async function updateSubmission(
  ctx: SubmissionContext,
  number: number,
  files: SubmissionFile[],
  message?: string,
): Promise<EvaluatedSubmission & { decision: NonNullable<EvaluatedSubmission['decision']> }> {
  if (!canPush(ctx.forge))
    fail(
      'submission.update-unsupported',
      `this forge cannot update submission #${number}; push commits to its branch with git instead`,
      {},
      2,
    );
  await ctx.forge.pushToSubmission(number, files, message);
  return evaluateSubmission(ctx, number);
}
