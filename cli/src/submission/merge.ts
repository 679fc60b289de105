/**
 * Merging: only when the policy says `pass` on the current head, against the base tip the merge lands
 * on, with the merged tree validated (two submissions that each pass alone can break the registry
 * together). The merge commit carries one `Approved-by: login` trailer per approver the policy counted;
 * the forge refuses if the head moved after the policy looked at it, and (where it can) if the base
 * moved, in which case the submission is evaluated again on the new base.
 */
import { fail, GitperfError } from '../diagnostics/diagnostic.js';
import type { EvaluatedDecision } from '../policy/index.js';
import type { SubmissionContext } from './context.js';
import { type EvaluatedSubmission, evaluateSubmission } from './evaluate.js';

export interface MergeOutcome extends EvaluatedSubmission {
  decision: NonNullable<EvaluatedSubmission['decision']>;
  sha: string;
  trailers: string[];
}

/** What `mergeIfPassing` did: merged, or left alone with the decision that says why. */
export interface MergeAttempt {
  evaluated: EvaluatedSubmission & { decision: EvaluatedDecision };
  merged?: { sha: string; trailers: string[] };
}

/** Evaluations of one merge when the base keeps moving under it, before giving up. */
const MAX_EVALUATIONS = 10;

export function approvedByTrailers(approved: ReadonlyArray<{ by: string[] }>): string[] {
  return [...new Set(approved.flatMap((a) => a.by))].sort().map((login) => `Approved-by: ${login}`);
}

/** The merge commit's title; `conflictingSubmission` reads the number back from it. */
function mergeTitle(number: number, title: string): string {
  return `Merge #${number}: ${title}`;
}

/**
 * The submission whose merge made the base what the head no longer merges validly onto: the number in
 * a merge commit's subject (ours, `Merge #N: …`, or GitHub's `Merge pull request #N from …`).
 */
export function conflictingSubmission(
  decision: Pick<EvaluatedDecision, 'conflictsWith'>,
): { number?: number; sha: string; subject: string } | undefined {
  const found = decision.conflictsWith;
  if (!found) return undefined;
  const number = /^Merge (?:pull request )?#(\d+)\b/.exec(found.subject)?.[1];
  return { ...found, ...(number ? { number: Number(number) } : {}) };
}

/** One sentence naming what the base gained that the submission conflicts with, or ''. */
export function conflictNote(decision: Pick<EvaluatedDecision, 'conflictsWith'>, base: string): string {
  const conflict = conflictingSubmission(decision);
  if (!conflict) return '';
  const what =
    conflict.number === undefined ? `commit "${conflict.subject}"` : `submission #${conflict.number}`;
  return `it conflicts with ${what}, merged into ${base} after it branched (${conflict.sha.slice(0, 12)})`;
}

/**
 * Evaluates the submission (merged tree included) and merges it when the decision is pass. A base that
 * moved between the evaluation and the merge makes the forge refuse, and the submission is evaluated
 * again on the new base. Throws the forge's refusal when the head moved (`forge.head-moved`): what was
 * evaluated is no longer what would merge.
 */
export async function mergeIfPassing(ctx: SubmissionContext, number: number): Promise<MergeAttempt> {
  for (let evaluation = 1; ; evaluation++) {
    const evaluated = await evaluateSubmission(ctx, number, { mergedTree: true });
    const { submission, decision } = evaluated;
    if (submission.state !== 'open')
      fail('submission.not-open', `submission #${number} is already ${submission.state}`);
    if (decision.status !== 'pass') return { evaluated };
    const trailers = approvedByTrailers(decision.approved);
    try {
      const { sha } = await ctx.forge.merge(number, {
        expectedHeadSha: decision.headSha,
        expectedBaseSha: decision.baseSha,
        title: mergeTitle(number, submission.title),
        trailers,
      });
      return {
        evaluated: { ...evaluated, submission: { ...submission, state: 'merged', mergedSha: sha } },
        merged: { sha, trailers },
      };
    } catch (e) {
      const baseMoved = e instanceof GitperfError && e.diagnostic.code === 'forge.base-moved';
      if (!baseMoved || evaluation >= MAX_EVALUATIONS) throw e;
    }
  }
}

export async function mergeSubmission(ctx: SubmissionContext, number: number): Promise<MergeOutcome> {
  const { evaluated, merged } = await mergeIfPassing(ctx, number);
  if (!merged) refuse(evaluated);
  return { ...evaluated, ...merged };
}

/** The policy's reason for not merging, as an error naming what to do. */
function refuse(evaluated: MergeAttempt['evaluated']): never {
  const { submission, decision } = evaluated;
  const number = submission.number;
  if (decision.status === 'fail') {
    const violation = decision.violations[0];
    const more =
      decision.violations.length > 1
        ? ` (and ${decision.violations.length - 1} more problem(s); \`gitperf submission show ${number}\`)`
        : '';
    const conflict = conflictNote(decision, submission.base);
    fail(
      'policy.fail',
      `submission #${number} cannot merge: ${conflict ? `${conflict}: ` : ''}${violation.code}: ${violation.message}${more}`,
      { file: violation.file, line: violation.line },
    );
  }
  const needs = decision.required.map((r) => `${r.file}: ${r.why}`).join('; ');
  const stale =
    decision.staleApprovals.length > 0
      ? ` (approvals by ${decision.staleApprovals.join(', ')} were given on an older commit and no longer count)`
      : '';
  const uncounted = (decision.uncountedReviews ?? []).map((u) => ` (${u.why})`).join('');
  fail('policy.pending', `submission #${number} is waiting for approvals: ${needs}${stale}${uncounted}`);
}
