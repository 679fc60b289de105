/**
 * Pushing new content to one's own open submission (after a request for changes). Approvals given
 * on the old head stop counting: the policy only counts approvals of the current head.
 */
import { fail } from '../diagnostics/diagnostic.js';
import type { SubmissionFile } from '../forge/forge.js';
import { LocalForge } from '../forge/local/local-forge.js';
import type { SubmissionContext } from './context.js';
import { type EvaluatedSubmission, evaluateSubmission } from './evaluate.js';

export async function updateSubmission(
  ctx: SubmissionContext,
  number: number,
  files: SubmissionFile[],
  message?: string,
): Promise<EvaluatedSubmission & { decision: NonNullable<EvaluatedSubmission['decision']> }> {
  if (!(ctx.forge instanceof LocalForge))
    fail(
      'submission.update-github',
      `on GitHub, update submission #${number} by pushing commits to its branch with git; the checks re-run on the new head`,
      {},
      2,
    );
  await ctx.forge.pushToSubmission(number, files, message);
  return evaluateSubmission(ctx, number);
}
