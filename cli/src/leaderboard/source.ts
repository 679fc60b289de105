/** Where the merge commits of a registry's files come from, for each way the registry is read. */
import { type CommitSource, lastCommits, locateInGit } from './merge-commits.js';

/**
 * Commits by registry-relative path: from the given repository and commit (a local profile), else
 * from the git work tree the registry folder sits in; empty outside git (provenance then says so).
 */
export async function commitsFor(opts: { git?: CommitSource; dir?: string }): Promise<Map<string, string>> {
  if (opts.git) return lastCommits(opts.git);
  const where = opts.dir ? await locateInGit(opts.dir) : undefined;
  return where ? lastCommits(where) : new Map();
}
