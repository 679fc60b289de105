/**
 * The metadata of one local pull request, stored as `meta.json` in a commit under
 * `refs/gitperf/pulls/<n>/meta`. Each change is a new commit whose parent is the previous one, so the
 * history of a submission (reviews, state changes) is itself in git and travels with a clone.
 */
import type { Review, SubmissionState } from '../forge.js';

export interface PullMeta {
  version: 1;
  number: number;
  title: string;
  body: string;
  author: string;
  state: SubmissionState;
  /** Base branch name, e.g. `main`. */
  base: string;
  /** The base branch's commit the submission was built on. */
  baseSha: string;
  /** The branch name the submission was opened with (informational; the head lives in `.../head`). */
  branch: string;
  createdAt: string;
  updatedAt: string;
  requestedReviewers: string[];
  reviews: Review[];
  mergedSha?: string;
  mergedBy?: string;
  mergedAt?: string;
  /** The merger's SSHSIG over the merge record (cli/src/trust/forge-records.ts). */
  mergeSignature?: string;
  closedBy?: string;
}

export const META_FILE = 'meta.json';

export function pullRef(n: number, part: 'head' | 'meta'): string {
  return `refs/gitperf/pulls/${n}/${part}`;
}

/**
 * Claims an explicitly named branch: created in the same transaction as the pull request's refs, so two
 * writers asking for the same branch cannot both open (as GitHub refuses a branch that exists).
 */
export function branchClaimRef(branch: string): string {
  return `refs/gitperf/branches/${branch}`;
}

export function parsePullRef(ref: string): { number: number; part: string } | undefined {
  const m = /^refs\/gitperf\/pulls\/([1-9][0-9]*)\/(head|meta)$/.exec(ref);
  return m ? { number: Number(m[1]), part: m[2] } : undefined;
}

export function serializeMeta(m: PullMeta): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

export function parseMeta(text: string, ref: string): PullMeta {
  const m = JSON.parse(text) as PullMeta;
  if (m.version !== 1 || typeof m.number !== 'number' || !Array.isArray(m.reviews))
    throw new Error(`${ref}: ${META_FILE} is not a gitperf pull request (version ${String(m.version)})`);
  return m;
}
