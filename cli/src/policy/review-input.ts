/**
 * Reviews from the command line (`LOGIN:STATE[@SHA]`) and from a JSON file: either the forge's
 * `Review` objects or GitHub's REST shape (`gh api repos/O/R/pulls/N/reviews`), so CI can pass the
 * API's answer straight through.
 */
import { readFileSync } from 'node:fs';
import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import { NAME_PATTERN } from '../registry/kinds.js';
import { FULL_SHA } from './reviews.js';
import type { Review, ReviewState } from './types.js';

const STATES: Record<string, ReviewState> = {
  approved: 'APPROVED',
  approve: 'APPROVED',
  changes_requested: 'CHANGES_REQUESTED',
  'changes-requested': 'CHANGES_REQUESTED',
  request_changes: 'CHANGES_REQUESTED',
  commented: 'COMMENTED',
  comment: 'COMMENTED',
  dismissed: 'DISMISSED',
};

/** `LOGIN:STATE[@SHA]`: the login is the registry's (any case; lower-cased below). */
const REVIEW_FLAG_RE = new RegExp(`^@?(${NAME_PATTERN}):([A-Za-z_-]+)(?:@([0-9a-fA-F]+))?$`, 'i');

export type Parsed<T> = { ok: true; value: T } | { ok: false; diagnostic: Diagnostic };

/** `ana:APPROVED`, `ana:approved@<40-hex sha>`; reviews without a sha are taken to be on the head commit. */
export function parseReviewFlag(
  flag: string,
  headSha: string,
  index: number,
  after = Date.UTC(2000, 0, 1),
): Parsed<Review> {
  const match = flag.match(REVIEW_FLAG_RE);
  const state = match ? STATES[match[2].toLowerCase()] : undefined;
  // The sha must be a full commit id (reviews.ts owns that rule), never an abbreviation.
  const shaOk = match?.[3] === undefined || FULL_SHA.test(match[3]);
  if (!match || !state || !shaOk) {
    return {
      ok: false,
      diagnostic: error(
        'policy.bad-review',
        `--review "${flag}" is not LOGIN:STATE[@SHA] with STATE one of APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED and SHA the full 40-character commit id (an abbreviated one could name another commit)`,
      ),
    };
  }
  return {
    ok: true,
    value: {
      reviewer: match[1].toLowerCase(),
      state,
      commitSha: (match[3] ?? headSha).toLowerCase(),
      // Flags are in the order given, after any reviews from a file: later ones are later reviews.
      submittedAt: new Date(after + (index + 1) * 1000).toISOString(),
    },
  };
}

export function readReviewsFile(file: string): Parsed<Review[]> {
  const bad = (why: string): Parsed<Review[]> => ({
    ok: false,
    diagnostic: error('policy.bad-reviews-file', `${file}: ${why}`, { file }),
  });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return bad(`cannot read it as JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(raw)) return bad('must be a JSON array of reviews');
  const out: Review[] = [];
  for (const [i, rawReview] of raw.entries()) {
    const fields = (rawReview ?? {}) as Record<string, unknown>;
    const reviewer = (fields.reviewer ??
      (fields.user as Record<string, unknown> | undefined)?.login) as unknown;
    const state = typeof fields.state === 'string' ? STATES[fields.state.toLowerCase()] : undefined;
    const commitSha = fields.commitSha ?? fields.commit_id;
    const submittedAt = fields.submittedAt ?? fields.submitted_at ?? '';
    // GitHub lists PENDING (draft) reviews to their author only; they are not verdicts.
    if (fields.state === 'PENDING') continue;
    if (typeof reviewer !== 'string' || !state || typeof commitSha !== 'string') {
      return bad(`review #${i + 1} needs reviewer (or user.login), state and commitSha (or commit_id)`);
    }
    out.push({ reviewer: reviewer.toLowerCase(), state, commitSha, submittedAt: String(submittedAt) });
  }
  return { ok: true, value: out };
}
