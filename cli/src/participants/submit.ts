/**
 * The last step every participant command shares: open the submission for entity files and say, in one
 * sentence, what happens next. The policy's forecast refuses early (nothing is opened) when the
 * submission would break the registry rules.
 */
import type { SubmissionFile } from '../forge/forge.js';
import {
  nextStep,
  type OpenedSubmission,
  openEntitySubmission,
  type Viewer,
  viewerOf,
} from '../submission/index.js';
import { toYaml } from '../workflows/atomic.js';
import type { Participant } from './context.js';

export interface SubmitOutcome {
  number: number;
  url: string;
  title: string;
  /** Repository paths the submission adds, changes or deletes. */
  files: string[];
  /** The policy's decision right after opening: pass (mergeable), pending (approvals) or fail. */
  status: 'pass' | 'pending' | 'fail';
  /** Logins whose approval it waits for. */
  waitingFor: string[];
  /** One sentence: what happens next. */
  next: string;
  /** Reviewers the forge was asked for (the approvers the policy names). */
  reviewersRequested: string[];
  /** Why requesting reviewers failed (GitHub refuses non-collaborators); the submission is open anyway. */
  reviewerWarning?: string;
}

/** A file that adds or changes an entity (never a deletion): its content is there. */
export type EntityFile = SubmissionFile & { content: string };

/** Registry files as they are written: YAML, lines never folded. */
export function entityFile(path: string, entity: unknown): EntityFile {
  return { path, content: toYaml(entity) };
}

export async function submit(
  participant: Participant,
  files: SubmissionFile[],
  opts: { title?: string; note?: string; branch?: string; confirm?: () => Promise<void> } = {},
): Promise<SubmitOutcome> {
  const opened: OpenedSubmission = await openEntitySubmission(participant.sub, {
    files,
    title: opts.title,
    note: opts.note,
    branch: opts.branch,
    confirm: opts.confirm,
  });
  return outcomeOf(opened, viewerOf(participant.sub));
}

export function outcomeOf(opened: OpenedSubmission, viewer: Viewer): SubmitOutcome {
  const decision = opened.decision;
  return {
    number: opened.submission.number,
    url: opened.submission.url,
    title: opened.submission.title,
    files: decision.changes.map((c) => c.path),
    status: decision.status,
    waitingFor: [...new Set(decision.required.flatMap((r) => r.who))],
    next: nextStep(opened, viewer),
    reviewersRequested: opened.reviewersRequested,
    ...(opened.reviewerWarning ? { reviewerWarning: opened.reviewerWarning } : {}),
  };
}

/** Two lines for people: the submission and what happens next. */
export function describeOutcome(outcome: SubmitOutcome): string {
  const warn = outcome.reviewerWarning ? `\n  warning: ${outcome.reviewerWarning}` : '';
  return `opened submission #${outcome.number}: ${outcome.title}\n  ${outcome.url}\n  next: ${outcome.next}${warn}`;
}

/** One line for people: the compatibility test's metrics, which the approver will judge. */
export function describeCompatibilityTest(metrics: Record<string, number>): string {
  return `compatibility test passed: ${Object.entries(metrics)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ')}`;
}

/** What a consent screen shows, indented under its sentence. */
export function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
