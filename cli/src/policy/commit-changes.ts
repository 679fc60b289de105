/**
 * A registry folder's change between two commits, read from git objects only: what `gitperf validate
 * --changed-since BASE --head REV` checks. A pull request's check costs what the pull request changes:
 * one diff of two trees and one batch read of the files the checks need, never a scan of the working
 * tree (whose cost, an lstat of every tracked file, grows with the registry).
 */
import { error, GitperfError } from '../diagnostics/diagnostic.js';
import { runGitSync } from '../git/git.js';
import type { FileSource } from '../registry/file-source.js';
import { GitFileSource } from './git-file-source.js';
import { changedPaths, resolveCommits } from './git-tree.js';
import { GitView } from './view.js';

export interface CommitChanges {
  /** The registry folder as committed at the head commit. */
  source: FileSource;
  /** Registry-relative paths that differ between the two commits (deletions included). */
  changed: string[];
  baseSha: string;
  headSha: string;
}

/**
 * `registryDir` is a folder inside a git checkout (as given on the command line); its place in the
 * repository is asked of git, so a registry in a sub-folder of the repository works too.
 */
export function registryChangesBetweenCommits(
  registryDir: string,
  baseRef: string,
  headRef: string,
  displayRoot = registryDir,
): CommitChanges {
  const where = runGitSync(['rev-parse', '--show-toplevel', '--show-prefix'], {
    cwd: registryDir,
    failureExitCode: 2,
  })
    .stdout.toString('utf8')
    .split('\n');
  const [repoDir, prefix = ''] = where;
  if (!repoDir) {
    throw new GitperfError(error('validate.git', `${registryDir} is not inside a git checkout`), 2);
  }
  // `--show-prefix` ends with '/' (or is empty at the top of the repository).
  const registryInRepo = prefix.replace(/\/+$/, '');
  if (!registryInRepo) {
    // The layout keeps the registry in a folder of its repository (registry/), next to its workflows.
    throw new GitperfError(
      error(
        'validate.git',
        `--head: ${registryDir} is the top of its repository; pass the registry folder inside it`,
      ),
      2,
    );
  }
  const [baseSha, headSha] = resolveCommits(repoDir, [baseRef, headRef]);
  const within = registryInRepo ? `${registryInRepo}/` : '';
  const changes = changedPaths(repoDir, baseSha, headSha).filter((change) => change.path.startsWith(within));
  const base = new GitView(repoDir, baseSha);
  // The head's listing is the base's plus the diff, so neither tree is listed whole unless a check needs it.
  const head = headSha === baseSha ? base : new GitView(repoDir, headSha, { view: base, changes });
  return {
    source: new GitFileSource(head, registryInRepo, displayRoot),
    changed: changes.map((change) => change.path.slice(within.length)),
    baseSha,
    headSha,
  };
}
