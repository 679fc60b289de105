/** Submissions for people (terminal text) and for `--json`. */
import { renderDecisionText } from '../policy/index.js';
import { type EvaluatedSubmission, nextStep, type Viewer } from './evaluate.js';
import type { ReviewOutcome } from './review.js';

export function toJsonSubmission(evaluated: EvaluatedSubmission, viewer: Viewer) {
  const decision = evaluated.decision;
  return {
    ...evaluated.submission,
    reviews: evaluated.reviews,
    policy: decision
      ? {
          status: decision.status,
          required: decision.required,
          approved: decision.approved,
          violations: decision.violations,
          staleApprovals: decision.staleApprovals,
          announcements: decision.announcements,
          changes: decision.changes,
        }
      : null,
    ...(evaluated.evaluationError ? { evaluationError: evaluated.evaluationError } : {}),
    waitingFor: decision ? [...new Set(decision.required.flatMap((r) => r.who))] : [],
    next: nextStep(evaluated, viewer),
  };
}

export function listLine(evaluated: EvaluatedSubmission, viewer: Viewer): string {
  const submission = evaluated.submission;
  // Open submissions show the policy's status and the next step; finished ones their state only.
  const status = evaluated.decision
    ? evaluated.decision.status
    : evaluated.evaluationError
      ? 'error'
      : submission.state;
  const line = `#${String(submission.number).padEnd(4)} ${status.padEnd(8)} ${submission.author.padEnd(12)} ${submission.title}`;
  if (evaluated.evaluationError)
    return [
      line,
      `       evaluation failed: ${evaluated.evaluationError}`,
      `       ${nextStep(evaluated, viewer)}`,
    ].join('\n');
  if (!evaluated.decision) return line;
  const out = [line];
  // The next step of a failing submission speaks of "the problems above": name the first one here.
  const violation = evaluated.decision.status === 'fail' ? evaluated.decision.violations[0] : undefined;
  if (violation) {
    const more = evaluated.decision.violations.length - 1;
    out.push(
      `       ${violation.file ? `${violation.file}${violation.line ? `:${violation.line}` : ''}: ` : ''}${violation.code} ${violation.message}` +
        (more > 0 ? ` (and ${more} more: \`gitperf submission show ${submission.number}\`)` : ''),
    );
  }
  out.push(`       ${nextStep(evaluated, viewer)}`);
  return out.join('\n');
}

export function showText(evaluated: EvaluatedSubmission, viewer: Viewer): string {
  const submission = evaluated.submission;
  const out = [
    `#${submission.number} ${submission.title}`,
    `  state: ${submission.state}   author: ${submission.author}   ${submission.head} -> ${submission.base}   head ${submission.headSha.slice(0, 12)}`,
    `  url: ${submission.url}`,
  ];
  if (submission.mergedSha) out.push(`  merged as ${submission.mergedSha.slice(0, 12)}`);
  if (submission.requestedReviewers.length > 0)
    out.push(`  reviewers requested: ${submission.requestedReviewers.join(', ')}`);
  for (const review of evaluated.reviews) {
    const current = review.commitSha === submission.headSha ? '' : ' (on an older commit)';
    out.push(
      `  review: ${review.reviewer} ${review.state}${current}${review.body ? `: ${review.body}` : ''}`,
    );
  }
  // The body holds what a reviewer must judge (e.g. the compatibility test's metrics).
  if (submission.body.trim())
    out.push(
      '',
      ...submission.body
        .trimEnd()
        .split('\n')
        .map((line) => `  | ${line}`),
      '',
    );
  if (evaluated.decision) {
    for (const change of evaluated.decision.changes)
      out.push(
        `  ${change.action.padEnd(8)} ${change.path}${change.fields.length ? ` (${change.fields.join(', ')})` : ''}`,
      );
    out.push(renderDecisionText(evaluated.decision).replace(/^/gm, '  '));
  }
  out.push(`  next: ${nextStep(evaluated, viewer)}`);
  return out.join('\n');
}

const DONE: Record<string, string> = {
  APPROVED: 'approved',
  CHANGES_REQUESTED: 'requested changes on',
  COMMENTED: 'commented on',
  DISMISSED: 'dismissed a review on',
};

export function renderReviewOutcome(outcome: ReviewOutcome, viewer: Viewer): string {
  const submission = outcome.submission;
  const out = [
    `${outcome.review.reviewer} ${DONE[outcome.review.state]} submission #${submission.number}: ${submission.title}`,
  ];
  if (outcome.note) out.push(`  note: ${outcome.note}`);
  out.push(`  policy: ${outcome.decision.status}`, `  next: ${nextStep(outcome, viewer)}`);
  return out.join('\n');
}

export function reviewOutcomeJson(outcome: ReviewOutcome, viewer: Viewer) {
  return {
    review: outcome.review,
    note: outcome.note ?? null,
    submission: toJsonSubmission(outcome, viewer),
  };
}
