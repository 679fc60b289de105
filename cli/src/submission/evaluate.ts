/** A submission with its reviews and the policy's decision on its current head. */
import { GitperfError } from '../diagnostics/diagnostic.js';
import type { Review, Submission, SubmissionState } from '../forge/forge.js';
import { type EvaluatedDecision, evaluatePolicy } from '../policy/index.js';
import type { SubmissionContext } from './context.js';

export interface EvaluatedSubmission {
  submission: Submission;
  reviews: Review[];
  /** The policy's decision on the current head; absent for merged and closed submissions. */
  decision?: EvaluatedDecision;
  /** Why the policy could not evaluate this open submission (a listing shows it and goes on to the others). */
  evaluationError?: string;
}

export interface EvaluateOptions {
  /** Also validate the tree a merge onto the base tip would produce (what merging and the bot check). */
  mergedTree?: boolean;
}

export async function evaluateSubmission(
  ctx: SubmissionContext,
  subOrNumber: Submission | number,
  options: EvaluateOptions = {},
): Promise<EvaluatedSubmission & { decision: EvaluatedDecision }> {
  const { submission, reviews } =
    typeof subOrNumber === 'number'
      ? await ctx.forge.getSubmissionAndReviews(subOrNumber)
      : { submission: subOrNumber, reviews: await ctx.forge.listReviews(subOrNumber.number) };
  const refs = await ctx.policyRefs(submission);
  // await: the policy engine may read git asynchronously.
  const decision = await evaluatePolicy({
    ...refs,
    author: submission.author,
    reviews,
    ...(options.mergedTree ? { mergedTree: true } : {}),
    ...(ctx.forge.signsReviews ? { signedReviews: { submission: submission.number } } : {}),
  });
  return { submission, reviews, decision };
}

export interface ListFilter {
  state?: SubmissionState | 'all';
  /** Only submissions the acting user authored. */
  mine?: boolean;
  /** Only open submissions the policy says the acting user can approve and must for it to merge. */
  waitingForMe?: boolean;
}

export async function listEvaluated(
  ctx: SubmissionContext,
  filter: ListFilter = {},
): Promise<EvaluatedSubmission[]> {
  const me = ctx.user.toLowerCase();
  let subs = await ctx.forge.listSubmissions({
    state: filter.waitingForMe ? 'open' : (filter.state ?? 'open'),
  });
  if (filter.mine) subs = subs.filter((s) => s.author.toLowerCase() === me);
  const out: EvaluatedSubmission[] = [];
  for (const submission of subs) {
    const evaluated =
      submission.state === 'open'
        ? await evaluateOrReport(ctx, submission)
        : { submission, reviews: await ctx.forge.listReviews(submission.number) };
    if (filter.waitingForMe && !waitingFor(evaluated, me)) continue;
    out.push(evaluated);
  }
  return out;
}

/**
 * One open submission of a listing: its decision, or why there is none. A submission whose evaluation throws
 * (a missing head, a git failure, a bug) must not hide every other submission from every participant.
 */
async function evaluateOrReport(
  ctx: SubmissionContext,
  submission: Submission,
): Promise<EvaluatedSubmission> {
  try {
    return await evaluateSubmission(ctx, submission);
  } catch (e) {
    const reason = e instanceof GitperfError ? e.diagnostic.message : (e as Error).message;
    const reviews = await ctx.forge.listReviews(submission.number).catch(() => []);
    return { submission, reviews, evaluationError: reason.split('\n')[0] };
  }
}

export function waitingFor(evaluated: EvaluatedSubmission, login: string): boolean {
  return !!evaluated.decision && evaluated.decision.required.some((r) => r.who.includes(login.toLowerCase()));
}

/** Who reads a next step: their login, and the `--profile` they gave (repeated in suggested commands). */
export interface Viewer {
  login: string;
  profile?: string;
}

export function viewerOf(ctx: Pick<SubmissionContext, 'user' | 'profileFlag'>): Viewer {
  return { login: ctx.user, ...(ctx.profileFlag ? { profile: ctx.profileFlag } : {}) };
}

/** What should happen next, in one sentence, for the viewer. */
export function nextStep(evaluated: EvaluatedSubmission, viewer: Viewer): string {
  const number = evaluated.submission.number;
  const me = viewer.login.toLowerCase();
  const command = (text: string) =>
    `\`gitperf ${text}${viewer.profile ? ` --profile ${viewer.profile}` : ''}\``;
  const decision = evaluated.decision;
  if (evaluated.evaluationError)
    return `the policy could not evaluate it; ${command(`submission show ${number}`)} tries again (ask an admin if it keeps failing)`;
  if (!decision) return evaluated.submission.state === 'merged' ? 'merged' : 'closed without merging';
  if (decision.status === 'pass') return `ready: ${command(`merge ${number}`)}`;
  const isAuthor = evaluated.submission.author.toLowerCase() === me;
  if (decision.status === 'fail')
    return isAuthor
      ? `fix the problems above and submit again (or ${command(`submission close ${number}`)})`
      : `breaks the registry rules; the author must fix it (or close it: ${command(`submission close ${number}`)})`;
  const who = [...new Set(decision.required.flatMap((r) => r.who))];
  // A reviewer who asked for changes on the current head waits for the author, not for their own approval.
  const mine = evaluated.reviews.filter(
    (r) => r.reviewer.toLowerCase() === me && r.commitSha === evaluated.submission.headSha,
  );
  if (mine.at(-1)?.state === 'CHANGES_REQUESTED')
    return `you requested changes: waiting for @${evaluated.submission.author} to update it (or close it: ${command(`submission close ${number}`)})`;
  if (who.includes(me))
    return `waiting for you: ${command(`review approve ${number}`)} (or ${command(`review request-changes ${number} -m MSG`)})`;
  return `waiting for approval by ${who.map((w) => `@${w}`).join(' or ')}`;
}
