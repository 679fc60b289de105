/** Submissions for people (terminal text) and for `--json`. */
import { renderDecisionText } from '../policy/index.js';
import { type EvaluatedSubmission, nextStep, type Viewer } from './evaluate.js';
import type { ReviewOutcome } from './review.js';

export function toJsonSubmission(e: EvaluatedSubmission, viewer: Viewer) {
  const d = e.decision;
  return {
    ...e.submission,
    reviews: e.reviews,
    policy: d
      ? {
          status: d.status,
          required: d.required,
          approved: d.approved,
          violations: d.violations,
          staleApprovals: d.staleApprovals,
          announcements: d.announcements,
          changes: d.changes,
        }
      : null,
    ...(e.evaluationError ? { evaluationError: e.evaluationError } : {}),
    waitingFor: d ? [...new Set(d.required.flatMap((r) => r.who))] : [],
    next: nextStep(e, viewer),
  };
}

export function listLine(e: EvaluatedSubmission, viewer: Viewer): string {
  const s = e.submission;
  // Open submissions show the policy's status and the next step; finished ones their state only.
  const status = e.decision ? e.decision.status : e.evaluationError ? 'error' : s.state;
  const line = `#${String(s.number).padEnd(4)} ${status.padEnd(8)} ${s.author.padEnd(12)} ${s.title}`;
  if (e.evaluationError)
    return [line, `       evaluation failed: ${e.evaluationError}`, `       ${nextStep(e, viewer)}`].join(
      '\n',
    );
  if (!e.decision) return line;
  const out = [line];
  // The next step of a failing submission speaks of "the problems above": name the first one here.
  const v = e.decision.status === 'fail' ? e.decision.violations[0] : undefined;
  if (v) {
    const more = e.decision.violations.length - 1;
    out.push(
      `       ${v.file ? `${v.file}${v.line ? `:${v.line}` : ''}: ` : ''}${v.code} ${v.message}` +
        (more > 0 ? ` (and ${more} more: \`gitperf submission show ${s.number}\`)` : ''),
    );
  }
  out.push(`       ${nextStep(e, viewer)}`);
  return out.join('\n');
}

export function showText(e: EvaluatedSubmission, viewer: Viewer): string {
  const s = e.submission;
  const out = [
    `#${s.number} ${s.title}`,
    `  state: ${s.state}   author: ${s.author}   ${s.head} -> ${s.base}   head ${s.headSha.slice(0, 12)}`,
    `  url: ${s.url}`,
  ];
  if (s.mergedSha) out.push(`  merged as ${s.mergedSha.slice(0, 12)}`);
  if (s.requestedReviewers.length > 0) out.push(`  reviewers requested: ${s.requestedReviewers.join(', ')}`);
  for (const r of e.reviews) {
    const current = r.commitSha === s.headSha ? '' : ' (on an older commit)';
    out.push(`  review: ${r.reviewer} ${r.state}${current}${r.body ? `: ${r.body}` : ''}`);
  }
  // The body holds what a reviewer must judge (e.g. the compatibility test's metrics).
  if (s.body.trim())
    out.push(
      '',
      ...s.body
        .trimEnd()
        .split('\n')
        .map((line) => `  | ${line}`),
      '',
    );
  if (e.decision) {
    for (const c of e.decision.changes)
      out.push(`  ${c.action.padEnd(8)} ${c.path}${c.fields.length ? ` (${c.fields.join(', ')})` : ''}`);
    out.push(renderDecisionText(e.decision).replace(/^/gm, '  '));
  }
  out.push(`  next: ${nextStep(e, viewer)}`);
  return out.join('\n');
}

const DONE: Record<string, string> = {
  APPROVED: 'approved',
  CHANGES_REQUESTED: 'requested changes on',
  COMMENTED: 'commented on',
  DISMISSED: 'dismissed a review on',
};

export function renderReviewOutcome(o: ReviewOutcome, viewer: Viewer): string {
  const s = o.submission;
  const out = [`${o.review.reviewer} ${DONE[o.review.state]} submission #${s.number}: ${s.title}`];
  if (o.note) out.push(`  note: ${o.note}`);
  out.push(`  policy: ${o.decision.status}`, `  next: ${nextStep(o, viewer)}`);
  return out.join('\n');
}

export function reviewOutcomeJson(o: ReviewOutcome, viewer: Viewer) {
  return { review: o.review, note: o.note ?? null, submission: toJsonSubmission(o, viewer) };
}
