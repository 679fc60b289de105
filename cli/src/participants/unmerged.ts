/**
 * "Not registered" is often "not merged yet": the user submitted the entity a minute ago and its
 * submission is still open. Before refusing a reference, look for an open submission that adds the file,
 * and say so (with what to do) instead of sending the user to submit it a second time.
 */
import { fail } from '../diagnostics/diagnostic.js';
import { evaluateSubmission } from '../submission/index.js';
import type { Participant } from './context.js';

export interface UnregisteredReference {
  /** Diagnostic code of the refusal. */
  code: string;
  /** What is missing, for people: "MLCube lee/bc-centroid". */
  what: string;
  /** Repository path the entity would have (`registry/...`). */
  path: string;
  /** What to do when no submission adds it: "submit it first (`gitperf mlcube submit`)". */
  howToAdd: string;
  /** Exit code (2 for a usage error: the command line names something that cannot be used yet). */
  exit?: number;
}

/** The open submission that adds `path`, if any (newest first, so a re-submission wins). */
export async function openSubmissionAdding(
  participant: Participant,
  path: string,
): Promise<{ number: number; title: string; author: string } | undefined> {
  const open = await participant.sub.forge.listSubmissions({ state: 'open' });
  for (const submission of [...open].sort((a, b) => b.number - a.number)) {
    try {
      const evaluated = await evaluateSubmission(participant.sub, submission);
      if (evaluated.decision.changes.some((change) => change.path === path && change.action !== 'deleted'))
        return { number: submission.number, title: submission.title, author: submission.author };
    } catch {
      // A submission the policy cannot read is not the one we look for; the refusal below still holds.
    }
  }
  return undefined;
}

export async function failUnregistered(
  participant: Participant,
  missing: UnregisteredReference,
): Promise<never> {
  const pending = await openSubmissionAdding(participant, missing.path);
  if (pending)
    fail(
      `${missing.code.replace(/-unregistered$/, '')}-unmerged`,
      `${missing.what} is not merged yet: submission #${pending.number} (${pending.title}, by @${pending.author}) adds it; ` +
        `once it is merged (\`gitperf submission show ${pending.number}\` says what it waits for), run this again`,
      {},
      missing.exit ?? 2,
    );
  return fail(missing.code, `${missing.what} is not registered; ${missing.howToAdd}`, {}, missing.exit ?? 2);
}
