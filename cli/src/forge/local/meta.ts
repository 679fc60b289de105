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

export function pullRef(number: number, part: 'head' | 'meta'): string {
  return `refs/gitperf/pulls/${number}/${part}`;
}

/**
 * Claims an explicitly named branch: created in the same transaction as the pull request's refs, so two
 * writers asking for the same branch cannot both open (as GitHub refuses a branch that exists).
 */
export function branchClaimRef(branch: string): string {
  return `refs/gitperf/branches/${branch}`;
}

export function parsePullRef(ref: string): { number: number; part: string } | undefined {
  const match = /^refs\/gitperf\/pulls\/([1-9][0-9]*)\/(head|meta)$/.exec(ref);
  return match ? { number: Number(match[1]), part: match[2] } : undefined;
}

export function serializeMeta(meta: PullMeta): string {
  return `${JSON.stringify(meta, null, 2)}\n`;
}

export function parseMeta(text: string, ref: string): PullMeta {
  const meta = JSON.parse(text) as PullMeta;
  if (meta.version !== 1 || typeof meta.number !== 'number' || !Array.isArray(meta.reviews))
    throw new Error(`${ref}: ${META_FILE} is not a gitperf pull request (version ${String(meta.version)})`);
  return meta;
}
