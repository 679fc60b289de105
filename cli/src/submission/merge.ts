/**
 * Merging: only when the policy says `pass` on the current head; the merge commit carries one
 * `Approved-by: login` trailer per approver the policy counted, and the forge refuses if the head
 * moved after the policy looked at it.
 */
import { fail } from '../diagnostics/diagnostic.js';
import type { SubmissionContext } from './context.js';
import { type EvaluatedSubmission, evaluateSubmission } from './evaluate.js';

export interface MergeOutcome extends EvaluatedSubmission {
  decision: NonNullable<EvaluatedSubmission['decision']>;
  sha: string;
  trailers: string[];
}

export function approvedByTrailers(approved: ReadonlyArray<{ by: string[] }>): string[] {
  return [...new Set(approved.flatMap((a) => a.by))].sort().map((login) => `Approved-by: ${login}`);
}

export async function mergeSubmission(ctx: SubmissionContext, number: number): Promise<MergeOutcome> {
  const evaluated = await evaluateSubmission(ctx, number);
  const { submission: s, decision: d } = evaluated;
  if (s.state !== 'open') fail('submission.not-open', `submission #${number} is already ${s.state}`);
  if (d.status === 'fail') {
    const v = d.violations[0];
    const more =
      d.violations.length > 1
        ? ` (and ${d.violations.length - 1} more problem(s); \`gitperf submission show ${number}\`)`
        : '';
    fail('policy.fail', `submission #${number} cannot merge: ${v.code}: ${v.message}${more}`, {
      file: v.file,
      line: v.line,
    });
  }
  if (d.status === 'pending') {
    const needs = d.required.map((r) => `${r.file}: ${r.why}`).join('; ');
    const stale =
      d.staleApprovals.length > 0
        ? ` (approvals by ${d.staleApprovals.join(', ')} were given on an older commit and no longer count)`
        : '';
    const uncounted = (d.uncountedReviews ?? []).map((u) => ` (${u.why})`).join('');
    fail('policy.pending', `submission #${number} is waiting for approvals: ${needs}${stale}${uncounted}`);
  }
  const trailers = approvedByTrailers(d.approved);
  const { sha } = await ctx.forge.merge(number, {
    expectedHeadSha: d.headSha,
    title: `Merge #${number}: ${s.title}`,
    trailers,
  });
  return { ...evaluated, submission: { ...s, state: 'merged', mergedSha: sha }, sha, trailers };
}
