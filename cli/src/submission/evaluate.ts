/** A submission with its reviews and the policy's decision on its current head. */
import type { Review, Submission, SubmissionState } from '../forge/forge.js';
import { type EvaluatedDecision, evaluatePolicy } from '../policy/index.js';
import type { SubmissionContext } from './context.js';

export interface EvaluatedSubmission {
  submission: Submission;
  reviews: Review[];
  /** The policy's decision on the current head; absent for merged and closed submissions. */
  decision?: EvaluatedDecision;
}

export async function evaluateSubmission(
  ctx: SubmissionContext,
  subOrNumber: Submission | number,
): Promise<EvaluatedSubmission & { decision: EvaluatedDecision }> {
  const { submission, reviews } =
    typeof subOrNumber === 'number'
      ? await ctx.forge.getSubmissionAndReviews(subOrNumber)
      : { submission: subOrNumber, reviews: await ctx.forge.listReviews(subOrNumber.number) };
  const refs = await ctx.policyRefs(submission);
  // await: the policy engine may read git asynchronously.
  const decision = await evaluatePolicy({ ...refs, author: submission.author, reviews });
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
  for (const s of subs) {
    const e =
      s.state === 'open'
        ? await evaluateSubmission(ctx, s)
        : { submission: s, reviews: await ctx.forge.listReviews(s.number) };
    if (filter.waitingForMe && !waitingFor(e, me)) continue;
    out.push(e);
  }
  return out;
}

export function waitingFor(e: EvaluatedSubmission, login: string): boolean {
  return !!e.decision && e.decision.required.some((r) => r.who.includes(login.toLowerCase()));
}

/** What should happen next, in one sentence, for the acting user. */
export function nextStep(e: EvaluatedSubmission, me: string): string {
  const n = e.submission.number;
  const d = e.decision;
  if (!d) return e.submission.state === 'merged' ? 'merged' : 'closed without merging';
  if (d.status === 'pass') return `ready: \`gitperf merge ${n}\``;
  if (d.status === 'fail')
    return e.submission.author.toLowerCase() === me.toLowerCase()
      ? `fix the problems above and submit again (or \`gitperf submission close ${n}\`)`
      : `breaks the registry rules; the author must fix it (or close it: \`gitperf submission close ${n}\`)`;
  const who = [...new Set(d.required.flatMap((r) => r.who))];
  if (who.includes(me.toLowerCase()))
    return `waiting for you: \`gitperf review approve ${n}\` (or request-changes -m MSG)`;
  return `waiting for approval by ${who.map((w) => `@${w}`).join(' or ')}`;
}
