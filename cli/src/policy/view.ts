/**
 * A registry state as the policy reads it: files by repository path, parsed on first use. Reading
 * lazily is what keeps a one-file pull request against a 10,000-entity registry fast: the rules touch
 * the changed files, the users, and the few entities those files refer to.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import { PositionMap } from '../infra/yaml-positions.js';
import { YAML_OPTIONS } from '../registry/positions.js';
import { listTree, type PathChange, readBlobs, type TreeEntry } from './git-tree.js';

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

export function parseEntity(path: string, text: string): PolicyEntity {
  const lc = new LineCounter();
  // Exactly the loader's options (YAML 1.2 core, whatever a `%YAML 1.1` directive says): the policy must read
  // the values the registry will be used with, or `01411` could be 777 here and 1411 there.
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lc });
  const positions = new PositionMap(text, { document: doc, lineCounter: lc });
  const problems = doc.errors.map((e) =>
    error('yaml.syntax', `${path} is not valid YAML: ${e.message.split('\n')[0]}; fix the syntax`, {
      file: path,
      line: e.linePos?.[0]?.line,
      column: e.linePos?.[0]?.col,
    }),
  );
  let data: Record<string, unknown> = {};
  if (problems.length === 0) {
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // An alias before its anchor, or too many aliases: a refusal with a reason, not a crash.
      problems.push(
        error('yaml.syntax', `${path} is not valid YAML: ${(e as Error).message}; fix the syntax`, {
          file: path,
          line: 1,
        }),
      );
    }
    if (js && typeof js === 'object' && !Array.isArray(js)) data = js as Record<string, unknown>;
    else if (problems.length === 0)
      problems.push(
        error('yaml.not-a-mapping', `${path} must hold one YAML mapping (an entity)`, {
          file: path,
          line: 1,
        }),
      );
  }
  return {
    path,
    data,
    problems,
    lineOf(field: string): number | undefined {
      // For a key's value, point at the line of the key itself (where a person looks).
      return positions.position(field === '.' ? [] : field.split('.'), 'key').line;
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
    let e = this.cache.get(path);
    if (!e) {
      e = parseEntity(path, text);
      this.cache.set(path, e);
    }
    return e;
  }
}

/** A state read from a git commit: one `ls-tree`, then blobs fetched in batches as the rules ask for them. */
export class GitView implements RegistryView {
  private readonly oids = new Map<string, string>();
  readonly entries: TreeEntry[];
  private readonly sorted: string[];
  private readonly cache = new Map<string, PolicyEntity>();
  /** Blob contents by object id: shared with the view this one was derived from (same ids, same bytes). */
  private readonly bytes: Map<string, Buffer>;
  /**
   * `from`: build this commit's listing from another view's plus the raw diff between them, instead
   * of listing the tree again (the pull request's head from its base: one `ls-tree` instead of two).
   */
  constructor(
    readonly repoDir: string,
    readonly commit: string,
    from?: { view: GitView; changes: readonly PathChange[] },
  ) {
    this.bytes = from && from.view.repoDir === repoDir ? from.view.bytes : new Map();
    if (from) {
      const byPath = new Map(from.view.entries.map((e) => [e.path, e]));
      for (const c of from.changes) {
        if (c.action === 'deleted') byPath.delete(c.path);
        else if (c.newOid && c.newMode) byPath.set(c.path, { path: c.path, oid: c.newOid, mode: c.newMode });
      }
      this.entries = [...byPath.values()];
    } else {
      this.entries = listTree(repoDir, commit);
    }
    // Only regular files are content; symlinks and submodules are listed for the validator to refuse.
    for (const e of this.entries) if (e.mode.startsWith('100')) this.oids.set(e.path, e.oid);
    this.sorted = [...this.oids.keys()].sort();
  }
  /**
   * Reads the blobs of several views' files with one git process per repository, so later `get`s and
   * `read`s of them cost nothing.
   */
  static prefetchTogether(requests: ReadonlyArray<readonly [RegistryView, Iterable<string>]>): void {
    const groups = new Map<Map<string, Buffer>, { repoDir: string; oids: Set<string> }>();
    for (const [view, paths] of requests) {
      if (!(view instanceof GitView)) continue;
      const g = groups.get(view.bytes) ?? { repoDir: view.repoDir, oids: new Set<string>() };
      for (const p of paths) {
        const oid = view.oids.get(p);
        if (oid && !view.bytes.has(oid)) g.oids.add(oid);
      }
      groups.set(view.bytes, g);
    }
    for (const [bytes, g] of groups) {
      for (const [o, b] of readBlobs(g.repoDir, [...g.oids])) bytes.set(o, b);
    }
  }
  /** The raw bytes of a regular file (read once, shared with `get`). */
  read(path: string): Buffer | undefined {
    const oid = this.oids.get(path);
    if (!oid) return undefined;
    if (!this.bytes.has(oid)) {
      for (const [o, b] of readBlobs(this.repoDir, [oid])) this.bytes.set(o, b);
    }
    return this.bytes.get(oid);
  }
  has(path: string): boolean {
    return this.oids.has(path);
  }
  fingerprint(path: string): string | undefined {
    return this.oids.get(path);
  }
  list(dir: string): string[] {
    return listUnder(this.sorted, dir);
  }
  /** Reads many files with one git process; later `get`s of them are free. */
  prefetch(paths: Iterable<string>): void {
    const want: Array<[string, string]> = [];
    for (const p of paths) {
      const oid = this.oids.get(p);
      if (oid && !this.cache.has(p)) want.push([p, oid]);
    }
    if (want.length === 0) return;
    const missing = want.map(([, oid]) => oid).filter((oid) => !this.bytes.has(oid));
    for (const [o, b] of readBlobs(this.repoDir, missing)) this.bytes.set(o, b);
    for (const [p, oid] of want)
      this.cache.set(p, parseEntity(p, this.bytes.get(oid)?.toString('utf8') ?? ''));
  }
  get(path: string): PolicyEntity | undefined {
    if (!this.oids.has(path)) return undefined;
    if (!this.cache.has(path)) this.prefetch([path]);
    return this.cache.get(path);
  }
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
      for (const e of entries) {
        if (!rel && (e.name === '.git' || e.name === 'node_modules')) continue;
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) out.push(p);
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
