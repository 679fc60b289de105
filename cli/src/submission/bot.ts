/**
 * The merge bot: for every open submission, the policy's decision (merged tree included), the reviewers
 * it names requested, and a merge of the ones that pass, each against the head and base it evaluated.
 * Written against the `Forge` interface only, so the same pass runs on the local forge and, in a
 * workflow, on GitHub.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GitperfError } from '../diagnostics/diagnostic.js';
import type { Submission } from '../forge/forge.js';
import type { SubmissionContext } from './context.js';
import { conflictingSubmission, conflictNote, mergeIfPassing } from './merge.js';

/** What the bot did with one submission. */
export type BotAction = { number: number; title: string } & (
  | { action: 'merged'; sha: string; trailers: string[] }
  /** `requested`: the reviewers this pass asked (those already asked are not asked again). */
  | { action: 'waiting'; waitingFor: string[]; requested: string[] }
  /** `conflictsWith`: the submission merged meanwhile that this one no longer merges validly with. */
  | { action: 'failing'; code: string; reason: string; conflictsWith?: number }
  /** The head moved between evaluation and merge: the forge refused, the next pass evaluates it again. */
  | { action: 'head-moved'; reason: string }
  /** Merged or closed by someone else during the pass. */
  | { action: 'skipped'; reason: string }
  /** The bot itself failed on this submission (git, the forge's API, permissions). */
  | { action: 'error'; code: string; reason: string }
);

export interface BotPass {
  actions: BotAction[];
  /** True when the bot itself failed on a submission (an `error` action): `--once` then exits 1. */
  failed: boolean;
}

const HEAD_MOVED = new Set(['forge.head-moved', 'github.head-moved']);
const NOT_OPEN = new Set(['submission.not-open', 'forge.not-open']);
/** The forge refused to merge what the policy passed: the submission must change, the bot is fine. */
const UNMERGEABLE = new Set(['forge.merge-conflict', 'github.not-mergeable']);

/** One pass over the open submissions, oldest first; stops between submissions once `signal` aborts. */
export async function botPass(ctx: SubmissionContext, signal?: AbortSignal): Promise<BotPass> {
  // Oldest first, whatever order the forge lists in (GitHub lists the newest first).
  const open = (await ctx.forge.listSubmissions({ state: 'open' })).sort((a, b) => a.number - b.number);
  const actions: BotAction[] = [];
  for (const submission of open) {
    if (signal?.aborted) break;
    actions.push(await handle(ctx, submission));
  }
  return { actions, failed: actions.some((a) => a.action === 'error') };
}

async function handle(ctx: SubmissionContext, submission: Submission): Promise<BotAction> {
  const about = { number: submission.number, title: submission.title };
  try {
    const { evaluated, merged } = await mergeIfPassing(ctx, submission.number);
    if (merged) return { ...about, action: 'merged', ...merged };
    const { submission: current, decision } = evaluated;
    if (decision.status === 'fail') {
      const first = decision.violations[0];
      const conflict = conflictNote(decision, current.base);
      const conflictsWith = conflictingSubmission(decision)?.number;
      return {
        ...about,
        action: 'failing',
        code: first.code,
        reason: `${conflict ? `${conflict}: ` : ''}${first.code}: ${first.message}`,
        ...(conflictsWith === undefined ? {} : { conflictsWith }),
      };
    }
    const author = current.author.toLowerCase();
    // The policy names the author only where the author's own review counts (a runner's result under review
    // consent, opened with its owner's login); a forge cannot request a review from the author (GitHub refuses).
    const waitingFor = [...new Set(decision.required.flatMap((r) => r.who))];
    const asked = new Set(current.requestedReviewers.map((login) => login.toLowerCase()));
    const requested = waitingFor.filter((login) => login !== author && !asked.has(login));
    if (requested.length > 0) await ctx.forge.requestReviewers(current.number, requested);
    return { ...about, action: 'waiting', waitingFor, requested };
  } catch (e) {
    if (!(e instanceof GitperfError))
      return { ...about, action: 'error', code: 'internal', reason: (e as Error).message };
    const { code, message } = e.diagnostic;
    if (HEAD_MOVED.has(code)) return { ...about, action: 'head-moved', reason: message };
    if (NOT_OPEN.has(code)) return { ...about, action: 'skipped', reason: message };
    if (UNMERGEABLE.has(code)) return { ...about, action: 'failing', code, reason: message };
    return { ...about, action: 'error', code, reason: message };
  }
}

/** One line for people: `#3 merged (abc123): Approved-by: ada`, `#4 waiting for @ana`, `#5 failing: …`. */
export function renderBotAction(action: BotAction): string {
  const lead = `#${action.number} ${action.title}:`;
  switch (action.action) {
    case 'merged':
      return `${lead} merged (${action.sha.slice(0, 12)})${action.trailers.length ? `, ${action.trailers.join(', ')}` : ''}`;
    case 'waiting': {
      const who = action.waitingFor.map((login) => `@${login}`).join(' or ');
      const asked = action.requested.length ? ` (review requested from ${action.requested.join(', ')})` : '';
      return `${lead} waiting for ${who || 'approval'}${asked}`;
    }
    case 'failing':
      return `${lead} failing: ${action.reason}`;
    case 'head-moved':
      return `${lead} changed while merging, not merged; the next pass evaluates the new head (${action.reason})`;
    case 'skipped':
      return `${lead} skipped: ${action.reason}`;
    case 'error':
      return `${lead} bot error: ${action.code}: ${action.reason}`;
  }
}

export interface RunBotOptions {
  /** Pause between passes. */
  intervalMs: number;
  /** Aborting stops the bot after the submission in hand (a merge is never left half done). */
  signal: AbortSignal;
  onPass: (pass: BotPass) => void;
  /** A pass that could not even list the submissions (the forge unreachable, say): reported, retried. */
  onPassError: (error: unknown) => void;
}

/** Passes until `signal` aborts. */
export async function runBot(ctx: SubmissionContext, options: RunBotOptions): Promise<void> {
  const { signal } = options;
  while (!signal.aborted) {
    try {
      options.onPass(await botPass(ctx, signal));
    } catch (e) {
      options.onPassError(e);
    }
    if (signal.aborted) break;
    await sleep(options.intervalMs, undefined, { signal }).catch(() => undefined);
  }
}
