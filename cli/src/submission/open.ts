/**
 * Opening a submission from entity files: forecast the policy's decision on base + files, refuse
 * early when it would break the rules, open the pull request with a body saying what it submits and
 * what approvals it needs, and request those reviewers.
 */
import { fail } from '../diagnostics/diagnostic.js';
import type { SubmissionFile } from '../forge/forge.js';
import {
  addValidation,
  CODEOWNERS_PATH,
  type Decision,
  decide,
  GitFileSource,
  GitView,
} from '../policy/index.js';
import { withCodeowners } from './codeowners-update.js';
import type { SubmissionContext } from './context.js';
import { actionOf, bodyFor, type FileAction, titleFor } from './describe.js';
import { type EvaluatedSubmission, evaluateSubmission } from './evaluate.js';
import { gitBlobId, OverlayFileSource, OverlayView } from './overlay-view.js';

export interface OpenEntitiesInput {
  /** Repository-relative paths (e.g. `registry/mlcubes/ana/bc-prep.yaml`) with content; null deletes. */
  files: SubmissionFile[];
  /** Default: the acting user. */
  author?: string;
  /** Default: derived from the files, e.g. `Add MLCube ana/bc-prep`. */
  title?: string;
  /** A paragraph added to the body (e.g. the compatibility-test summary). */
  note?: string;
  /**
   * The branch to open it from; the forge refuses (`forge.branch-exists` / `github.branch-exists`) when
   * that branch already has a submission, which makes a deterministic name a once-only claim.
   */
  branch?: string;
  /** Open even when the forecast says the policy will fail (for demonstrations and tests). */
  allowViolations?: boolean;
  /** Ask the approvers the policy names for a review (default true). */
  requestReviewers?: boolean;
  /**
   * Called once the forecast passes, before anything is opened: where consent is asked, so a submission
   * the policy would refuse is refused before the user is asked to agree to publish it.
   */
  confirm?: () => Promise<void>;
}

export interface OpenedSubmission extends EvaluatedSubmission {
  decision: NonNullable<EvaluatedSubmission['decision']>;
  /** Reviewers requested, or why requesting failed (GitHub refuses non-collaborators). */
  reviewersRequested: string[];
  reviewerWarning?: string;
}

/** The policy's decision on base + files, before anything is opened. */
export async function forecast(
  ctx: SubmissionContext,
  given: SubmissionFile[],
  author: string,
): Promise<{
  decision: Decision;
  changes: Array<{ path: string; action: FileAction }>;
  baseSha: string;
  /** What will be submitted: the given files, plus `.github/CODEOWNERS` when they change it. */
  files: SubmissionFile[];
}> {
  const base = await ctx.baseState();
  const files = withCodeowners(base.view, given);
  const changes: Array<{ path: string; action: FileAction }> = [];
  for (const file of files) {
    const has = base.view.has(file.path);
    if (file.content === null && !has) continue; // deleting what is not there changes nothing
    if (file.content !== null && has && base.view.fingerprint(file.path) === gitBlobId(file.content))
      continue;
    changes.push({ path: file.path, action: actionOf(file, has) });
  }
  const head = new OverlayView(base.view, files);
  const decision = decide({ base: base.view, head, changes, author, reviews: [], headSha: 'forecast' });
  // The validator too, as the policy check on the opened submission will: a file that breaks the
  // schema is refused here instead of being opened as "ready".
  if (base.view instanceof GitView)
    await addValidation(decision, new OverlayFileSource(new GitFileSource(base.view), files), changes);
  return { decision, changes, baseSha: base.sha, files };
}

export async function openEntitySubmission(
  ctx: SubmissionContext,
  input: OpenEntitiesInput,
): Promise<OpenedSubmission> {
  const author = input.author ?? ctx.user;
  const { decision, changes, baseSha, files } = await forecast(ctx, input.files, author);
  if (changes.length === 0)
    fail(
      'submission.no-change',
      'the registry already holds exactly these files; there is nothing to submit',
    );
  if (decision.status === 'fail' && !input.allowViolations) {
    const first = decision.violations
      .slice(0, 5)
      .map((v) => `${v.file ?? ''}${v.line ? `:${v.line}` : ''} ${v.code}: ${v.message}`)
      .join('; ');
    fail(
      'submission.policy-fail',
      `this submission would break the registry rules, so it was not opened: ${first}`,
      {
        file: decision.violations[0]?.file,
        line: decision.violations[0]?.line,
      },
    );
  }
  await input.confirm?.();
  const changed = new Set(changes.map((c) => c.path));
  // The title names the entities; the regenerated CODEOWNERS rides along.
  const entityChanges = changes.filter((c) => c.path !== CODEOWNERS_PATH);
  const who = [...new Set(decision.required.flatMap((r) => r.who))].filter((w) => w !== author.toLowerCase());
  const ask = input.requestReviewers !== false && who.length > 0;
  const open = {
    title: input.title ?? titleFor(entityChanges.length > 0 ? entityChanges : changes),
    body: bodyFor(author, changes, decision, input.note),
    author,
    files: files.filter((f) => changed.has(f.path)),
    ...(input.branch ? { branch: input.branch } : {}),
  };
  // A forge that can records the reviewers in the same write as the pull request itself.
  const inOneWrite = ctx.forge.recordsReviewersOnOpen;
  const submission = await ctx.forge.openSubmission(
    inOneWrite ? { ...open, requestedReviewers: ask ? who : [] } : open,
  );
  let reviewerWarning: string | undefined;
  let reviewersRequested: string[] = inOneWrite && ask ? who : [];
  if (ask && !inOneWrite) {
    try {
      await ctx.forge.requestReviewers(submission.number, who);
      reviewersRequested = who;
    } catch (e) {
      reviewerWarning = `could not request reviews from ${who.join(', ')}: ${(e as Error).message}`;
    }
  }
  // The forecast is the decision on the new head (no reviews yet) unless the base moved meanwhile.
  const evaluated =
    submission.baseSha === baseSha
      ? {
          submission: {
            ...submission,
            requestedReviewers: inOneWrite ? submission.requestedReviewers : reviewersRequested,
          },
          reviews: [],
          decision: { ...decision, headSha: submission.headSha, baseSha, mergeBaseSha: baseSha },
        }
      : await evaluateSubmission(ctx, submission.number);
  return { ...evaluated, reviewersRequested, ...(reviewerWarning ? { reviewerWarning } : {}) };
}
