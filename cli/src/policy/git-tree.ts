/**
 * Reading a git repository at a commit without a checkout: `git ls-tree -r -z` lists blobs, one
 * `git cat-file --batch` process streams their contents. Fast enough for registries of 10,000+ files
 * because it costs a fixed handful of processes, whatever the number of files.
 */
import { error, GitperfError } from '../diagnostics/diagnostic.js';
import { readObjectsSync, runGitSync } from '../git/git.js';

export interface TreeEntry {
  /** Repository-relative path with forward slashes. */
  path: string;
  /** Object id (a blob, or a commit for a submodule). */
  oid: string;
  /** `100644`, `100755`, `120000` (symlink), `160000` (submodule). */
  mode: string;
}

export type ChangeAction = 'added' | 'modified' | 'deleted';

export interface PathChange {
  path: string;
  action: ChangeAction;
  /** Mode and object id on the `to` side (zeros when deleted). */
  newMode?: string;
  newOid?: string;
}

/** The policy's reads are synchronous (its registry view parses lazily); failures are usage errors (exit 2). */
function git(repoDir: string, args: string[], input?: string): Buffer {
  return runGitSync(args, { cwd: repoDir, input, failureExitCode: 2 }).stdout;
}

/** Resolves a ref (branch, tag, sha, HEAD~1) to a full commit sha; a clean usage error when it does not exist. */
export function resolveCommit(repoDir: string, ref: string): string {
  return resolveCommits(repoDir, [ref])[0];
}

/** Resolves several refs with one git process (`cat-file --batch-check`). */
export function resolveCommits(repoDir: string, refs: readonly string[]): string[] {
  for (const ref of refs) {
    if (!ref || ref.startsWith('-') || /\s/.test(ref)) {
      throw new GitperfError(error('git.bad-ref', `"${ref}" is not a git reference`), 2);
    }
  }
  const out = git(
    repoDir,
    ['cat-file', '--batch-check=%(objectname) %(objecttype)'],
    refs.map((r) => `${r}^{commit}\n`).join(''),
  )
    .toString('utf8')
    .split('\n');
  return refs.map((ref, i) => {
    const [sha, type] = (out[i] ?? '').split(' ');
    if (type !== 'commit' || !/^[0-9a-f]{40,64}$/.test(sha ?? '')) {
      throw new GitperfError(
        error(
          'git.bad-ref',
          `"${ref}" is not a commit in ${repoDir}; fetch it first (git fetch origin ${ref}) or pass a sha`,
        ),
        2,
      );
    }
    return sha;
  });
}

/** The commit a pull request branched from: what its diff is computed against (GitHub's three-dot diff). */
export function mergeBase(repoDir: string, left: string, right: string): string {
  const result = runGitSync(['merge-base', left, right], { cwd: repoDir, allowedExitCodes: [0, 1, 128] });
  const sha = result.stdout.toString().trim();
  // Unrelated histories have no merge base; compare the two trees directly then.
  return result.exitCode === 0 && sha ? sha : left;
}

/** Every blob under `prefix` (a folder, no trailing slash; '' for the whole tree) at `commit`. */
export function listTree(repoDir: string, commit: string, prefix = ''): TreeEntry[] {
  const args = ['ls-tree', '-r', '-z', '--full-tree', commit];
  if (prefix) args.push('--', prefix);
  return parseTree(git(repoDir, args).toString('utf8'));
}

/** `ls-tree -z` output: "<mode> SP <type> SP <oid> TAB <path>" NUL ... */
function parseTree(out: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const meta = rec.slice(0, tab).split(' ');
    entries.push({ path: rec.slice(tab + 1), oid: meta[2], mode: meta[0] });
  }
  return entries;
}

/** `git ls-tree` over many paths, a few thousand per process (far below the system's command-line limit). */
function lsTreeInBatches(
  repoDir: string,
  commit: string,
  paths: readonly string[],
  recursive: boolean,
): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (let i = 0; i < paths.length; i += 2000) {
    const args = [
      '--literal-pathspecs',
      'ls-tree',
      ...(recursive ? ['-r'] : []),
      '-z',
      '--full-tree',
      commit,
    ];
    entries.push(...parseTree(git(repoDir, [...args, '--', ...paths.slice(i, i + 2000)]).toString('utf8')));
  }
  return entries;
}

/**
 * The entries at exactly these paths at `commit` (absent paths are left out; a folder comes back as a
 * tree entry). Costs what the paths cost, not what the tree holds: git walks only the trees on their way.
 */
export function lookupTree(repoDir: string, commit: string, paths: readonly string[]): TreeEntry[] {
  return lsTreeInBatches(repoDir, commit, paths, false);
}

/** Every blob below these paths (folders recursively, a file path gives that file) at `commit`: one process. */
export function listTreeUnder(repoDir: string, commit: string, paths: readonly string[]): TreeEntry[] {
  return lsTreeInBatches(repoDir, commit, paths, true);
}

/** Contents of many blobs through one `git cat-file --batch`; keyed by oid. */
export function readBlobs(repoDir: string, oids: readonly string[]): Map<string, Buffer> {
  const result = new Map<string, Buffer>();
  const unique = [...new Set(oids)];
  const contents = readObjectsSync(unique, { cwd: repoDir, failureExitCode: 2 });
  unique.forEach((oid, index) => {
    const content = contents[index];
    if (content) result.set(oid, content);
  });
  return result;
}

/** Paths that differ between two commits, renames split into delete + add (a renamed entity is a new entity). */
export function changedPaths(repoDir: string, from: string, to: string): PathChange[] {
  const out = git(repoDir, [
    'diff',
    '--raw',
    '-z',
    '--no-renames',
    '--no-abbrev',
    '--no-ext-diff',
    from,
    to,
  ]).toString('utf8');
  const parts = out.split('\0');
  const changes: PathChange[] = [];
  // Records: ":<old mode> <new mode> <old oid> <new oid> <status>" NUL "<path>" NUL
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = parts[i].replace(/^:/, '').split(' ');
    const path = parts[i + 1];
    if (meta.length < 5 || !path) continue;
    const status = meta[4];
    const action: ChangeAction = status[0] === 'A' ? 'added' : status[0] === 'D' ? 'deleted' : 'modified';
    changes.push({ path, action, newMode: meta[1], newOid: meta[3] });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The tree a merge of `theirs` into `ours` produces (`git merge-tree --write-tree`: objects are written,
 * no ref moves), or undefined when the two conflict.
 */
export function mergeTree(repoDir: string, ours: string, theirs: string): string | undefined {
  const result = runGitSync(['merge-tree', '--write-tree', '--no-messages', ours, theirs], {
    cwd: repoDir,
    allowedExitCodes: [0, 1],
    failureExitCode: 2,
  });
  if (result.exitCode === 1) return undefined;
  return result.stdout.toString('utf8').split('\n')[0].trim();
}

/** The commits of `to`'s first-parent line that `from` does not have, oldest first (the merges onto a base). */
export function firstParentCommits(repoDir: string, from: string, to: string): string[] {
  const out = git(repoDir, ['rev-list', '--first-parent', '--reverse', `${from}..${to}`]).toString('utf8');
  return out.split('\n').filter((line) => line.length > 0);
}

/** The first line of a commit's message. */
export function commitSubject(repoDir: string, commit: string): string {
  return git(repoDir, ['log', '-1', '--format=%s', commit]).toString('utf8').trim();
}
