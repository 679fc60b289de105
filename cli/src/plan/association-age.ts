/**
 * How old each association is: the commit time (seconds since the epoch) of the commit that added its
 * file, read with one `git log` over the registry's benchmarks. The plan's only git access, so it can move
 * to the shared git module in one place.
 */
import { runGit } from '../git/git.js';
import { entityFolder, entityPath } from '../registry/layout.js';

export interface GitLocation {
  /** A work tree folder or a bare repository git can run in. */
  repoDir: string;
  /** The commit the registry was read at (HEAD for a checkout). */
  commit: string;
  /** The registry folder relative to the repository root, without a trailing slash ('' for the root). */
  registryPrefix: string;
}

/**
 * Registry-relative path (`benchmarks/<b>/models/<o>.<c>.yaml`, `.../datasets/...`, `.../benchmark.yaml`)
 * → commit time of the most recent commit that added it (a file deleted and added again is as old as its
 * last addition). Files git does not know (uncommitted) are absent. Undefined when git cannot answer (not
 * a repository, no git): the plan then orders by path, as documented in the README.
 */
export async function associationAges(at: GitLocation): Promise<Map<string, number> | undefined> {
  const prefix = at.registryPrefix ? `${at.registryPrefix}/` : '';
  const specs = [
    entityPath('Benchmark', '*'),
    `${entityFolder({ kind: 'ModelAssociation', benchmark: '*' })}/*.yaml`,
    `${entityFolder({ kind: 'DatasetAssociation', benchmark: '*' })}/*.yaml`,
  ].map((p) => `:(top,glob)${prefix}${p}`);
  const out = await git(at.repoDir, [
    'log',
    at.commit,
    '--no-renames',
    '--diff-filter=A',
    '--format=%x01%ct',
    '--name-only',
    '--',
    ...specs,
  ]);
  if (out === undefined) return undefined;
  return parseAddLog(out, prefix);
}

/** Where a registry folder on disk sits in its git checkout (read at HEAD); undefined outside one. */
export async function checkoutLocation(dir: string): Promise<GitLocation | undefined> {
  const prefix = await git(dir, ['rev-parse', '--show-prefix']);
  if (prefix === undefined) return undefined;
  return { repoDir: dir, commit: 'HEAD', registryPrefix: prefix.trim().replace(/\/+$/, '') };
}

/** Runs git through the one git module; undefined when it fails (no git, not a repository, no commit yet). */
async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    return (await runGit(args, { cwd })).stdout;
  } catch {
    return undefined;
  }
}

/**
 * Parses `git log --format=%x01%ct --name-only` output (newest commit first): a `\x01<time>` line per
 * commit, then the paths it added. Registry paths are plain lower-case names, so git never quotes them.
 */
export function parseAddLog(out: string, prefix: string): Map<string, number> {
  const ages = new Map<string, number>();
  let time = Number.NaN;
  for (const line of out.split('\n')) {
    if (line.startsWith('\x01')) time = Number(line.slice(1));
    else if (line.startsWith(prefix) && line.length > prefix.length) {
      const rel = line.slice(prefix.length);
      if (!ages.has(rel) && Number.isFinite(time)) ages.set(rel, time);
    }
  }
  return ages;
}
