/**
 * The commit that last brought each file onto the main line: one `git log --first-parent` over the
 * registry folder (on main, first parents are the merges of submissions). The only git access of the
 * leaderboard; it moves to the shared git module (cli/src/git/) once that exists.
 */
import { spawnSync } from 'node:child_process';

export interface CommitSource {
  /** A git repository (work tree or bare). */
  repoDir: string;
  /** The commit to read history from (default HEAD). */
  rev?: string;
  /** The registry folder inside the repository, e.g. `registry`. Paths in the answer are relative to it. */
  registryPrefix: string;
}

/** Registry-relative path -> full commit sha. Empty when git or the repository is not there. */
export function lastCommits(src: CommitSource): Map<string, string> {
  const prefix = src.registryPrefix.replace(/\/+$/, '');
  const r = spawnSync(
    'git',
    [
      'log',
      '--first-parent',
      '--diff-merges=first-parent',
      '--format=%x00%H',
      '--name-only',
      src.rev ?? 'HEAD',
      '--',
      prefix || '.',
    ],
    {
      cwd: src.repoDir,
      maxBuffer: 1024 * 1024 * 1024,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
    },
  );
  const out = new Map<string, string>();
  if (r.status !== 0 || !r.stdout) return out;
  let commit = '';
  const strip = prefix ? `${prefix}/` : '';
  for (const line of r.stdout.toString('utf8').split('\n')) {
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
export function locateInGit(dir: string): { repoDir: string; registryPrefix: string } | undefined {
  const r = spawnSync('git', ['rev-parse', '--show-toplevel', '--show-prefix'], {
    cwd: dir,
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
  });
  if (r.status !== 0 || !r.stdout) return undefined;
  const [top, prefix = ''] = r.stdout.toString('utf8').split('\n');
  return { repoDir: top, registryPrefix: prefix.replace(/\/+$/, '') };
}
