/**
 * A registry state as the policy reads it: files by repository path, parsed on first use. Reading
 * lazily is what keeps a one-file pull request against a 10,000-entity registry fast: the rules touch
 * the changed files, the users, and the few entities those files refer to.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { parseYamlFile } from '../registry/yaml-file.js';
import {
  listTree,
  listTreeUnder,
  lookupTree,
  type PathChange,
  readBlobs,
  type TreeEntry,
} from './git-tree.js';

export interface PolicyEntity {
  path: string;
  /** The parsed document; `{}` when it could not be parsed (see `problems`). */
  data: Record<string, unknown>;
  /** YAML syntax problems, with positions. */
  problems: Diagnostic[];
  /** 1-based line of a dotted field path (`spec.manifest.sha256`), or of its nearest present parent. */
  lineOf(field: string): number | undefined;
}

export interface RegistryView {
  /** Every file path in this state (repository-relative), including files outside `registry/`. */
  has(path: string): boolean;
  /** Paths of files directly or indirectly under `dir` (no trailing slash). */
  list(dir: string): string[];
  get(path: string): PolicyEntity | undefined;
  /** Something equal for equal file contents (the blob id, or the text itself). */
  fingerprint(path: string): string | undefined;
}

/**
 * Reads one file as the registry loader does (`parseYamlFile`: the same YAML options, the same refusals, the
 * same bounds): a file over 1 MiB or with too many entries is refused before it is parsed, so no changed
 * file can make the policy check slow. The policy must read the values the registry will be used with, or
 * `01411` could be 777 here and 1411 there.
 */
export function parseEntity(path: string, content: string | Uint8Array): PolicyEntity {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const parsed = parseYamlFile(bytes, path);
  const problems = parsed.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  const data = problems.length === 0 && parsed.data ? parsed.data : {};
  return {
    path,
    data,
    problems,
    lineOf(field: string): number | undefined {
      // For a key's value, point at the line of the key itself (where a person looks).
      return parsed.positions.position(field === '.' ? [] : field.split('.'), 'key').line;
    },
  };
}

/** A state held in memory: path → file text. For callers that already have the files (and for tests). */
export class MemoryView implements RegistryView {
  private readonly cache = new Map<string, PolicyEntity>();
  private readonly sorted: string[];
  constructor(private readonly files: ReadonlyMap<string, string>) {
    this.sorted = [...files.keys()].sort();
  }
  has(path: string): boolean {
    return this.files.has(path);
  }
  fingerprint(path: string): string | undefined {
    return this.files.get(path);
  }
  list(dir: string): string[] {
    return listUnder(this.sorted, dir);
  }
  get(path: string): PolicyEntity | undefined {
    const text = this.files.get(path);
    if (text === undefined) return undefined;
    let entity = this.cache.get(path);
    if (!entity) {
      entity = parseEntity(path, text);
      this.cache.set(path, entity);
    }
    return entity;
  }
}

/**
 * A state read from a git commit without listing it: paths are looked up (`ls-tree` of just those
 * paths), folders listed when a rule asks (`ls-tree -r` of that folder), blobs fetched in batches as the
 * rules ask for them. A one-file pull request against 100,000 entities so costs a handful of git
 * processes over a handful of paths; only `entries` (the whole listing) reads the whole tree.
 */
export class GitView implements RegistryView {
  /** Path → its tree entry, or null when known absent (or not a blob). */
  private readonly known = new Map<string, TreeEntry | null>();
  /** Folders listed recursively, with their blob paths sorted ('' is the whole tree). */
  private readonly listed = new Map<string, string[]>();
  private allEntries?: TreeEntry[];
  private readonly cache = new Map<string, PolicyEntity>();
  /** Blob contents by object id: shared with the view this one was derived from (same ids, same bytes). */
  private readonly bytes: Map<string, Buffer>;
  /** This commit as another view plus the raw diff between them (the pull request's head from its base). */
  private readonly overlay?: { view: GitView; changes: Map<string, PathChange> };
  /**
   * `from`: answer for this commit from another view plus the raw diff between them, instead of asking
   * git about this tree (unchanged paths have the same entries in both).
   */
  constructor(
    readonly repoDir: string,
    readonly commit: string,
    from?: { view: GitView; changes: readonly PathChange[] },
  ) {
    this.bytes = from && from.view.repoDir === repoDir ? from.view.bytes : new Map();
    if (from) this.overlay = { view: from.view, changes: new Map(from.changes.map((c) => [c.path, c])) };
  }
  /** Every entry of the tree (blobs, symlinks, submodules): lists the whole tree, so only for whole-registry work. */
  get entries(): TreeEntry[] {
    if (!this.allEntries) {
      if (this.overlay) {
        const byPath = new Map(this.overlay.view.entries.map((e) => [e.path, e]));
        for (const change of this.overlay.changes.values()) applyChange(byPath, change);
        this.allEntries = [...byPath.values()];
      } else {
        this.allEntries = listTree(this.repoDir, this.commit);
      }
    }
    return this.allEntries;
  }
  /** The entry at `path` (any mode), or undefined. */
  entry(path: string): TreeEntry | undefined {
    this.lookup([path]);
    return this.known.get(path) ?? undefined;
  }
  /** Resolves the entries of many paths with at most one git process. */
  lookup(paths: Iterable<string>): void {
    const unknown: string[] = [];
    for (const path of paths) {
      if (this.known.has(path)) continue;
      const change = this.overlay?.changes.get(path);
      if (change) this.known.set(path, entryAfter(change));
      else if (this.overlay) unknown.push(path);
      else if (this.coveredByListing(path)) this.known.set(path, null);
      else unknown.push(path);
    }
    if (unknown.length === 0) return;
    if (this.overlay) {
      const base = this.overlay.view;
      base.lookup(unknown);
      for (const path of unknown) this.known.set(path, base.known.get(path) ?? null);
      return;
    }
    for (const path of unknown) this.known.set(path, null);
    for (const entry of lookupTree(this.repoDir, this.commit, unknown)) this.known.set(entry.path, entry);
  }
  private coveredByListing(path: string): boolean {
    if (this.listed.has('')) return true;
    for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
      if (this.listed.has(path.slice(0, i))) return true;
    }
    return false;
  }
  /** Object id of a regular file (symlinks and submodules are not content). */
  private oidOf(path: string): string | undefined {
    const entry = this.entry(path);
    return entry?.mode.startsWith('100') ? entry.oid : undefined;
  }
  /**
   * Reads the blobs of several views' files with one git process per repository, so later `get`s and
   * `read`s of them cost nothing.
   */
  static prefetchTogether(requests: ReadonlyArray<readonly [RegistryView, Iterable<string>]>): void {
    const gitRequests = requests
      .filter((r): r is readonly [GitView, Iterable<string>] => r[0] instanceof GitView)
      .map(([view, paths]) => [view, [...paths]] as const);
    // Paths a derived view does not know are its base's: one lookup per underlying tree.
    const lookups = new Map<GitView, string[]>();
    for (const [view, paths] of gitRequests) {
      const root = view.overlay?.view ?? view;
      const list = lookups.get(root) ?? [];
      list.push(...paths.filter((p) => !view.overlay?.changes.has(p)));
      lookups.set(root, list);
    }
    for (const [root, paths] of lookups) root.lookup(paths);
    const groups = new Map<Map<string, Buffer>, { repoDir: string; oids: Set<string> }>();
    for (const [view, paths] of gitRequests) {
      view.lookup(paths);
      const group = groups.get(view.bytes) ?? { repoDir: view.repoDir, oids: new Set<string>() };
      for (const path of paths) {
        const oid = view.oidOf(path);
        if (oid && !view.bytes.has(oid)) group.oids.add(oid);
      }
      groups.set(view.bytes, group);
    }
    for (const [bytes, group] of groups) {
      for (const [oid, blob] of readBlobs(group.repoDir, [...group.oids])) bytes.set(oid, blob);
    }
  }
  /** The raw bytes of a regular file (read once, shared with `get`). */
  read(path: string): Buffer | undefined {
    const oid = this.oidOf(path);
    if (!oid) return undefined;
    if (!this.bytes.has(oid)) {
      for (const [blobOid, blob] of readBlobs(this.repoDir, [oid])) this.bytes.set(blobOid, blob);
    }
    return this.bytes.get(oid);
  }
  has(path: string): boolean {
    return this.oidOf(path) !== undefined;
  }
  fingerprint(path: string): string | undefined {
    return this.oidOf(path);
  }
  list(dir: string): string[] {
    let paths = this.listed.get(dir);
    if (paths) return paths;
    const found = new Map<string, TreeEntry>();
    if (this.overlay) {
      for (const path of this.overlay.view.list(dir)) {
        const entry = this.overlay.view.known.get(path);
        if (entry) found.set(path, entry);
      }
      const prefix = dir ? `${dir}/` : '';
      for (const change of this.overlay.changes.values())
        if (change.path.startsWith(prefix)) applyChange(found, change);
    } else {
      const entries = dir ? listTree(this.repoDir, this.commit, dir) : this.entries;
      for (const entry of entries) found.set(entry.path, entry);
    }
    for (const [path, entry] of found) this.known.set(path, entry);
    paths = [...found.values()]
      .filter((e) => e.mode.startsWith('100'))
      .map((e) => e.path)
      .sort();
    this.listed.set(dir, paths);
    return paths;
  }
  /** Names of the folders directly in `dir` (one `ls-tree` of that folder alone). */
  childFolders(dir: string): string[] {
    const names = new Set<string>();
    if (this.overlay) {
      for (const name of this.overlay.view.childFolders(dir)) names.add(name);
      // A folder the diff creates (its first file is added); one it empties disappears from git.
      const prefix = `${dir}/`;
      for (const change of this.overlay.changes.values()) {
        const rest = change.path.startsWith(prefix) ? change.path.slice(prefix.length) : '';
        if (rest.includes('/') && change.action !== 'deleted') names.add(rest.slice(0, rest.indexOf('/')));
      }
      return [...names].sort();
    }
    for (const entry of lookupTree(this.repoDir, this.commit, [`${dir}/`])) {
      if (entry.mode === '040000') names.add(entry.path.slice(dir.length + 1));
    }
    return [...names].sort();
  }
  /** Every entry below these paths (folders recursively; a file path gives that file): one `ls-tree -r`. */
  entriesUnder(paths: readonly string[]): TreeEntry[] {
    if (paths.length === 0) return [];
    const under = (p: string) => paths.some((q) => p === q || p.startsWith(`${q}/`));
    const found = new Map<string, TreeEntry>();
    if (this.overlay) {
      for (const entry of this.overlay.view.entriesUnder(paths)) found.set(entry.path, entry);
      for (const change of this.overlay.changes.values()) if (under(change.path)) applyChange(found, change);
    } else {
      for (const entry of listTreeUnder(this.repoDir, this.commit, paths)) found.set(entry.path, entry);
    }
    for (const [path, entry] of found) this.known.set(path, entry);
    return [...found.values()];
  }
  /** Reads many files with one git process; later `get`s of them are free. */
  prefetch(pathsIn: Iterable<string>): void {
    const paths = [...pathsIn].filter((p) => !this.cache.has(p));
    this.lookup(paths);
    const want: Array<[string, string]> = [];
    for (const path of paths) {
      const oid = this.oidOf(path);
      if (oid) want.push([path, oid]);
    }
    if (want.length === 0) return;
    const missing = want.map(([, oid]) => oid).filter((oid) => !this.bytes.has(oid));
    for (const [oid, blob] of readBlobs(this.repoDir, missing)) this.bytes.set(oid, blob);
    for (const [path, oid] of want)
      this.cache.set(path, parseEntity(path, this.bytes.get(oid) ?? new Uint8Array()));
  }
  get(path: string): PolicyEntity | undefined {
    if (!this.has(path)) return undefined;
    if (!this.cache.has(path)) this.prefetch([path]);
    return this.cache.get(path);
  }
}

/** The entry a path has after `change` (null when deleted). */
function entryAfter(change: PathChange): TreeEntry | null {
  if (change.action === 'deleted' || !change.newOid || !change.newMode) return null;
  return { path: change.path, oid: change.newOid, mode: change.newMode };
}

function applyChange(byPath: Map<string, TreeEntry>, change: PathChange): void {
  const entry = entryAfter(change);
  if (entry) byPath.set(change.path, entry);
  else byPath.delete(change.path);
}

function listUnder(sorted: readonly string[], dir: string): string[] {
  const prefix = dir ? `${dir}/` : '';
  // Binary search for the first path >= prefix; the sorted list keeps this O(log n + k).
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < sorted.length && sorted[i].startsWith(prefix); i++) out.push(sorted[i]);
  return out;
}

/** A state read from a folder on disk (a checkout); `root` is the repository root. */
export class FolderView implements RegistryView {
  private readonly cache = new Map<string, PolicyEntity | null>();
  constructor(readonly root: string) {}
  private abs(path: string): string {
    return join(this.root, ...path.split('/'));
  }
  has(path: string): boolean {
    try {
      return statSync(this.abs(path)).isFile();
    } catch {
      return false;
    }
  }
  fingerprint(path: string): string | undefined {
    try {
      return readFileSync(this.abs(path), 'utf8');
    } catch {
      return undefined;
    }
  }
  list(dir: string): string[] {
    const out: string[] = [];
    const walk = (rel: string) => {
      let entries: Dirent[];
      try {
        entries = readdirSync(this.abs(rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const dirent of entries) {
        if (!rel && (dirent.name === '.git' || dirent.name === 'node_modules')) continue;
        const childPath = rel ? `${rel}/${dirent.name}` : dirent.name;
        if (dirent.isDirectory()) walk(childPath);
        else if (dirent.isFile()) out.push(childPath);
      }
    };
    walk(dir);
    return out.sort();
  }
  get(path: string): PolicyEntity | undefined {
    if (!this.cache.has(path)) {
      const text = this.fingerprint(path);
      this.cache.set(path, text === undefined ? null : parseEntity(path, text));
    }
    return this.cache.get(path) ?? undefined;
  }
}
