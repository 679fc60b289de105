/**
 * `gitperf policy status --github`: the commit status `gitperf/policy` on a pull request's head, posted by
 * the privileged policy-status workflow (`workflow_run` after the check or a review). It runs the base
 * branch's code only: it asks the API for the pull request (`pulls.get`), fetches that head sha as git
 * objects into the base checkout, evaluates the policy there with the base's rules and registry (users,
 * committees, runners: what CODEOWNERS is generated from), posts the status on exactly that sha
 * (`repos.createCommitStatus`) and requests the approvers it names (`pulls.requestReviewers`). Nothing
 * from the pull request is executed, and the check's artifact is not read: the decision is made again here.
 */
import { fail } from '../diagnostics/diagnostic.js';
import type { CommitStatus, CommitStatusState, Submission } from '../forge/forge.js';
import {
  type ActionsEnvironment,
  fetchAuthEnvironment,
  writeStepOutputs,
  writeStepSummary,
} from '../forge/github/actions-environment.js';
import type { GitHubForge } from '../forge/github/index.js';
import { runGit } from '../git/git.js';
import { type EvaluatedDecision, evaluatePolicy, formatWho, renderSummaryMarkdown } from '../policy/index.js';
import { githubContext } from './context.js';

/** The status context branch protection requires. */
export const POLICY_STATUS_CONTEXT = 'gitperf/policy';

export interface PolicyStatusOutcome {
  number: number;
  headSha: string;
  state: CommitStatusState;
  description: string;
  /** Logins the status waits for (pending), and who was asked to review. */
  waitingFor: string[];
  reviewersRequested: string[];
  reviewerWarning?: string;
  decision: EvaluatedDecision;
}

export interface PolicyStatusResult {
  /** One per pull request the event names; empty when it names none (a merge-queue run, a closed PR). */
  statuses: PolicyStatusOutcome[];
  /** Why nothing was posted, when nothing was. */
  skipped?: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});

/**
 * The pull requests an event is about. `workflow_run` lists them in `pull_requests` for branches of the
 * repository itself; for a fork GitHub leaves that list empty, so the run's head branch and repository find
 * it (`pulls.list({head})`). Direct pull-request events carry it; `workflow_dispatch` takes `--pr`.
 */
export async function pullRequestsOfEvent(
  actions: ActionsEnvironment,
  forge: GitHubForge,
  explicit?: number,
): Promise<{ numbers: number[]; skipped?: string }> {
  if (explicit !== undefined) return { numbers: [explicit] };
  const event = actions.event;
  if (actions.eventName === 'workflow_run') {
    const run = obj(event.workflow_run);
    const cause = String(run.event ?? '');
    if (cause !== 'pull_request' && cause !== 'pull_request_review')
      return {
        numbers: [],
        skipped: `the ${String(run.name ?? 'triggering')} run was for ${cause || 'no'} event, not a pull request`,
      };
    const listed = (Array.isArray(run.pull_requests) ? run.pull_requests : [])
      .map((p) => obj(p))
      .filter(
        (pull) =>
          obj(obj(pull.base).repo).id === undefined ||
          obj(obj(pull.base).repo).id === obj(event.repository).id,
      )
      .map((p) => Number(p.number))
      .filter((n) => Number.isInteger(n) && n > 0);
    if (listed.length > 0) return { numbers: [...new Set(listed)] };
    const headOwner = String(obj(obj(run.head_repository).owner).login ?? '');
    const branch = String(run.head_branch ?? '');
    if (!headOwner || !branch) return { numbers: [], skipped: 'the workflow run names no pull request' };
    const found = await forge.findOpenPullsByHead(headOwner, branch);
    const sameHead = found.filter((s) => s.headSha === run.head_sha);
    const chosen = sameHead.length > 0 ? sameHead : found;
    if (chosen.length === 0)
      return { numbers: [], skipped: `no open pull request from ${headOwner}:${branch}` };
    return { numbers: chosen.map((s) => s.number) };
  }
  const pr = obj(event.pull_request);
  if (typeof pr.number === 'number') return { numbers: [pr.number] };
  return fail(
    'policy-status.no-pull-request',
    `the ${actions.eventName || 'current'} event names no pull request; run it on workflow_run of the check and review workflows, or name one with --pr N`,
    {},
    2,
  );
}

/** The status for a decision: GitHub shows the description (at most 140 characters) next to the context. */
export function statusFor(decision: EvaluatedDecision): { state: CommitStatusState; description: string } {
  if (decision.status === 'pass')
    return {
      state: 'success',
      description: 'May merge: every rule holds and every needed approval is given',
    };
  if (decision.status === 'fail') {
    const first = decision.violations[0];
    const more = decision.violations.length > 1 ? ` (+${decision.violations.length - 1} more)` : '';
    return {
      state: 'failure',
      description: `${first ? `${first.code}: ${first.message}` : 'The registry rules are broken'}${more}`,
    };
  }
  const groups = [...new Set(decision.required.map((r) => formatWho(r.who)))];
  return { state: 'pending', description: `Waiting for approval by ${groups.join('; and by ')}` };
}

export async function postPolicyStatus(
  actions: ActionsEnvironment,
  forge: GitHubForge,
  options: { cwd?: string; pr?: number } = {},
): Promise<PolicyStatusResult> {
  const cwd = options.cwd ?? process.cwd();
  const { numbers, skipped } = await pullRequestsOfEvent(actions, forge, options.pr);
  const statuses: PolicyStatusOutcome[] = [];
  const gitEnv = fetchAuthEnvironment(actions);
  for (const number of numbers) {
    const { submission, reviews } = await forge.getSubmissionAndReviews(number);
    if (submission.state !== 'open') continue;
    const ctx = githubContext(forge, submission.author, cwd, gitEnv);
    const refs = await ctx.policyRefs(submission);
    // Evaluate exactly the head the API named, which is where the status goes (a push racing this run
    // gets its own run).
    await ensureCommit(refs.repoDir, submission, gitEnv);
    const decision = await evaluatePolicy({
      repoDir: refs.repoDir,
      baseRef: refs.baseRef,
      headRef: submission.headSha,
      author: submission.author,
      reviews,
    });
    const { state, description } = statusFor(decision);
    const status: CommitStatus = {
      state,
      context: POLICY_STATUS_CONTEXT,
      description,
      ...(actions.runUrl ? { targetUrl: actions.runUrl } : {}),
    };
    await forge.setStatus(submission.headSha, status);
    const waitingFor = [...new Set(decision.required.flatMap((r) => r.who))];
    const ask = waitingFor.filter(
      (login) =>
        login !== submission.author.toLowerCase() &&
        !submission.requestedReviewers.some((r) => r.toLowerCase() === login) &&
        !reviews.some((r) => r.reviewer.toLowerCase() === login && r.commitSha === submission.headSha),
    );
    let reviewersRequested: string[] = [];
    let reviewerWarning: string | undefined;
    if (ask.length > 0) {
      try {
        await forge.requestReviewers(number, ask);
        reviewersRequested = ask;
      } catch (e) {
        // GitHub refuses reviewers without write access; the status still names them.
        reviewerWarning = `could not request reviews from ${ask.join(', ')}: ${(e as Error).message}`;
      }
    }
    statuses.push({
      number,
      headSha: submission.headSha,
      state,
      description,
      waitingFor,
      reviewersRequested,
      ...(reviewerWarning ? { reviewerWarning } : {}),
      decision,
    });
    writeStepSummary(actions, `### Pull request #${number}\n\n${renderSummaryMarkdown(decision)}`);
  }
  const last = statuses.at(-1);
  writeStepOutputs(actions, {
    'pull-requests': statuses.map((s) => s.number).join(' '),
    state: last?.state ?? 'none',
    'head-sha': last?.headSha ?? '',
  });
  if (statuses.length === 0)
    writeStepSummary(actions, `gitperf policy status: nothing to do (${skipped ?? 'no open pull request'})`);
  return { statuses, ...(statuses.length === 0 ? { skipped: skipped ?? 'no open pull request' } : {}) };
}

/** Fetches `sub.headSha` itself when the fetched pull ref already moved past it. */
async function ensureCommit(dir: string, sub: Submission, env: Record<string, string>): Promise<void> {
  const has = await runGit(['cat-file', '-e', `${sub.headSha}^{commit}`], {
    cwd: dir,
    allowedExitCodes: [0, 1, 128],
  });
  if (has.exitCode === 0) return;
  const fetched = await runGit(['fetch', '--quiet', '--no-tags', 'origin', sub.headSha], {
    cwd: dir,
    env,
    allowedExitCodes: [0, 1, 128],
  });
  if (fetched.exitCode !== 0)
    fail(
      'policy-status.head-missing',
      `pull request #${sub.number}'s head ${sub.headSha} could not be fetched from origin (${String(fetched.stderr).trim()}); check that the workflow's token can read the repository`,
    );
}
