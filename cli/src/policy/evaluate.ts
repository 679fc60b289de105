/**
 * The policy over a git repository: resolve the refs, read both states lazily from git objects (no
 * checkout), diff the pull request the way GitHub does (from the merge base), and decide.
 */
import type { Review } from '../forge/forge.js';
import { changedPaths, mergeBase, resolveCommit } from './git-tree.js';
import { decide } from './rules.js';
import type { Decision } from './types.js';
import { GitView } from './view.js';

export interface EvaluatePolicyInput {
  /** A git working tree or bare repository holding both commits. */
  repoDir: string;
  /** The base branch (its tip is the merged state the rules consult). */
  baseRef: string;
  /** The pull request's head. */
  headRef: string;
  author: string;
  reviews: readonly Review[];
}

export interface EvaluatedDecision extends Decision {
  baseSha: string;
  mergeBaseSha: string;
}

export function evaluatePolicy(input: EvaluatePolicyInput): EvaluatedDecision {
  const baseSha = resolveCommit(input.repoDir, input.baseRef);
  const headSha = resolveCommit(input.repoDir, input.headRef);
  const mb = mergeBase(input.repoDir, baseSha, headSha);
  const base = new GitView(input.repoDir, baseSha);
  const head = new GitView(input.repoDir, headSha);
  const before = mb === baseSha ? base : new GitView(input.repoDir, mb);
  const changes = changedPaths(input.repoDir, mb, headSha);
  const decision = decide({
    base,
    head,
    before,
    changes,
    author: input.author,
    reviews: input.reviews,
    headSha,
  });
  return { ...decision, baseSha, mergeBaseSha: mb };
}
