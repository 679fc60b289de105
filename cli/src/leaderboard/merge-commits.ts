/**
 * The commit that last brought each file onto the main line: one `git log --first-parent` over the
 * registry folder (on main, first parents are the merges of submissions). The leaderboard's only git
 * access, through the one git module.
 */
import { runGitForBytes } from '../git/git.js';

export interface CommitSource {
  /** A git repository (work tree or bare). */
  repoDir: string;
  /** The commit to read history from (default HEAD). */
  commit?: string;
  /** The registry folder inside the repository, e.g. `registry`. Paths in the answer are relative to it. */
  registryPrefix: string;
}

/** Runs git for an answer; undefined when git or the repository is not there (provenance is then omitted). */
async function gitAnswer(args: string[], cwd: string): Promise<string | undefined> {
  try {
    return (await runGitForBytes(args, { cwd })).stdout.toString('utf8');
  } catch {
    return undefined;
  }
}

/** Registry-relative path -> full commit sha. Empty when git or the repository is not there. */
export async function lastCommits(src: CommitSource): Promise<Map<string, string>> {
  const prefix = src.registryPrefix.replace(/\/+$/, '');
  const log = await gitAnswer(
    [
      'log',
      '--first-parent',
      '--diff-merges=first-parent',
      '--format=%x00%H',
      '--name-only',
      src.commit ?? 'HEAD',
      '--',
      prefix || '.',
    ],
    src.repoDir,
  );
  const out = new Map<string, string>();
  if (!log) return out;
  let commit = '';
  const strip = prefix ? `${prefix}/` : '';
  for (const line of log.split('\n')) {
    if (line.startsWith('\0')) {
      commit = line.slice(1);
      continue;
    }
    if (line === '' || !line.startsWith(strip)) continue;
    const path = line.slice(strip.length);
    if (!out.has(path)) out.set(path, commit);
  }
  return out;
}

/** Where `dir` sits in a git work tree: the top folder and the path from it; undefined outside git. */
export async function locateInGit(
  dir: string,
): Promise<{ repoDir: string; registryPrefix: string } | undefined> {
  const answer = await gitAnswer(['rev-parse', '--show-toplevel', '--show-prefix'], dir);
  if (!answer) return undefined;
  const [top, prefix = ''] = answer.split('\n');
  return { repoDir: top, registryPrefix: prefix.replace(/\/+$/, '') };
}
