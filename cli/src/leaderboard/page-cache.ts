/**
 * The pages of each benchmark kept between builds, so a rebuild after a merge renders only the benchmarks
 * the merge touched. A benchmark folder's entry (its HTML page, its board's JSON, its index row and the
 * problems its files gave) is keyed by everything the pages are a function of: the blob id (or link type)
 * of every file of the folder, the commit that merged each (provenance), the view, the reader's identities
 * (encrypted results they open enter the numbers), how paths are shown (problems name files) and the code
 * that reads and renders them (a fingerprint of its compiled modules). Any of these changing changes the
 * key; a miss only costs building the board. Like the parse cache, deleting it only costs time.
 *
 * Layout (under the home layout's `pageCache`): `<folder>/<view>.<key>.html`, `.json` and `.meta.json` (the
 * row and the problems), written atomically, meta last: an entry counts only when its meta is there. Writing
 * an entry removes that folder's other entries of the same view, so the cache never outgrows the registry.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { writeFileAtomicSync } from '../infra/atomic-write.js';
import { codeFingerprint as fingerprintOf } from '../infra/code-fingerprint.js';
import type { View } from './board.js';
import type { FileId } from './read.js';
import type { BenchmarkPages } from './site.js';

/** Cache entries are readable by their owner only. */
const PRIVATE = { mode: 0o600 };

/** Bump when an entry's stored shape changes. (Code changes are caught by the fingerprint.) */
const ENTRY_VERSION = 1;

/** What a benchmark folder gives: its pages (none when its benchmark.yaml does not load) and problems. */
export interface PageEntry {
  pages?: BenchmarkPages;
  problems: Diagnostic[];
}

interface StoredMeta {
  version: number;
  /** The benchmark's name (the folder's, once its benchmark.yaml loads). */
  benchmark: string;
  /** The index row; null when the folder has no page. */
  indexRow: string | null;
  problems: Diagnostic[];
}

/** Everything a benchmark's pages depend on besides its own files. */
export interface PageContext {
  view: View;
  /** The source's `displayRoot` (problems name files through it). */
  displayRoot: string;
  /** Age identities the encrypted results were opened with. */
  identities: readonly string[];
  /** Registry path -> the commit that merged it. */
  commits: ReadonlyMap<string, string>;
}

/**
 * The folders whose modules the leaderboard's output depends on: its own and those it imports (as in
 * test/architecture/allowed-dependencies.ts, with the registry's own imports).
 */
const CODE_FOLDERS = ['leaderboard', 'registry', 'git', 'infra', 'diagnostics', 'trust'];

/** A hash of the modules that read and render the leaderboard (infra/code-fingerprint.ts). */
export function codeFingerprint(): string {
  return fingerprintOf(CODE_FOLDERS);
}

export class PageCache {
  private readonly base: string;

  /** `dir` undefined: nothing is kept (every lookup misses). */
  constructor(
    private readonly dir: string | undefined,
    private readonly context: PageContext,
  ) {
    const identities = createHash('sha256');
    for (const identity of [...context.identities].sort()) identities.update(`${identity}\0`);
    this.base = JSON.stringify([
      ENTRY_VERSION,
      codeFingerprint(),
      context.view,
      context.displayRoot,
      identities.digest('hex'),
    ]);
  }

  /** The key of a folder's pages, from its files (each with a blob id, or a link). */
  keyOf(folder: string, files: readonly FileId[]): string {
    const hash = createHash('sha256').update(this.base).update(`\0${folder}\0`);
    for (const file of files)
      hash.update(
        `${file.path}\0${file.type}\0${file.blobId ?? ''}\0${this.context.commits.get(file.path) ?? ''}\n`,
      );
    return hash.digest('hex');
  }

  /** The folder's entry under `key`, when kept. */
  get(folder: string, key: string): PageEntry | undefined {
    if (!this.dir) return undefined;
    const base = this.entryBase(folder, key);
    let meta: StoredMeta;
    try {
      meta = JSON.parse(readFileSync(`${base}.meta.json`, 'utf8')) as StoredMeta;
    } catch {
      return undefined; // not kept, or unreadable: a miss
    }
    if (meta.version !== ENTRY_VERSION || !Array.isArray(meta.problems) || typeof meta.benchmark !== 'string')
      return undefined;
    let entry: PageEntry = { problems: meta.problems };
    if (typeof meta.indexRow === 'string') {
      const html = `${base}.html`;
      const json = `${base}.json`;
      if (!existsSync(html) || !existsSync(json)) return undefined;
      entry = {
        ...entry,
        pages: {
          benchmark: meta.benchmark,
          html: { copyOf: html },
          json: { copyOf: json },
          indexRow: meta.indexRow,
        },
      };
    }
    return entry;
  }

  /** Keeps a folder's entry under `key` (pages given as text). A cache that cannot be written only costs time. */
  set(folder: string, key: string, entry: PageEntry): void {
    if (!this.dir) return;
    const base = this.entryBase(folder, key);
    try {
      const pages = entry.pages;
      if (pages) {
        if (typeof pages.html !== 'string' || typeof pages.json !== 'string') return;
        // Private to the owner: pages built with a committee identity (and the participants' view) hold
        // decrypted numbers, and the home's other folders are readable by other local users.
        writeFileAtomicSync(`${base}.html`, pages.html, PRIVATE);
        writeFileAtomicSync(`${base}.json`, pages.json, PRIVATE);
      }
      const meta: StoredMeta = {
        version: ENTRY_VERSION,
        benchmark: pages ? pages.benchmark : folder,
        indexRow: pages ? pages.indexRow : null,
        problems: entry.problems,
      };
      writeFileAtomicSync(`${base}.meta.json`, JSON.stringify(meta), PRIVATE);
      this.prune(folder, key);
    } catch {
      // Read-only home, full disk: the next build renders again.
    }
  }

  /** Removes the folder's other entries of this view (older states of the benchmark). */
  private prune(folder: string, key: string): void {
    if (!this.dir) return;
    const folderDir = join(this.dir, encodeURIComponent(folder));
    const prefix = `${this.context.view}.`;
    for (const name of readdirSync(folderDir))
      if (name.startsWith(prefix) && !name.startsWith(`${prefix}${key}.`))
        rmSync(join(folderDir, name), { force: true });
  }

  private entryBase(folder: string, key: string): string {
    return join(this.dir ?? '', encodeURIComponent(folder), `${this.context.view}.${key}`);
  }
}
