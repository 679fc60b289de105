/**
 * Closing a submission unmerged (a rejection, or the author withdrawing it). Allowed for its author,
 * for anyone the policy names as an approver of it (the other side rejecting), and for admins.
 */
import { fail } from '../diagnostics/diagnostic.js';
import { repoEntityPath } from '../registry/layout.js';
import type { SubmissionContext } from './context.js';
import { evaluateSubmission } from './evaluate.js';

export async function closeSubmission(
  ctx: SubmissionContext,
  number: number,
  message?: string,
): Promise<void> {
  const evaluated = await evaluateSubmission(ctx, number);
  const me = ctx.user.toLowerCase();
  if (evaluated.submission.state !== 'open')
    fail('submission.not-open', `submission #${number} is already ${evaluated.submission.state}`);
  const base = await ctx.baseState(evaluated.submission.base);
  const roles = base.view.get(repoEntityPath('User', me))?.data.spec as { roles?: unknown } | undefined;
  const isAdmin = Array.isArray(roles?.roles) && roles.roles.includes('admin');
  const approver = [...evaluated.decision.required, ...evaluated.decision.approved].some((r) =>
    r.who.includes(me),
  );
  if (evaluated.submission.author.toLowerCase() !== me && !approver && !isAdmin)
    fail(
      'submission.close-not-allowed',
      `only the author (${evaluated.submission.author}), its approvers or an admin can close submission #${number}`,
    );
  if (message) await ctx.forge.review(number, ctx.user, 'COMMENT', message);
  await ctx.forge.close(number);
}
