/**
 * `leaderboard build`: a registry's inputs -> the static site, rendering only what changed. Each benchmark
 * folder's pages are kept in the page cache (page-cache.ts) under a key of everything they depend on, so
 * a folder whose files git names all unchanged costs a key comparison: it is not even read, and its pages
 * are copied from the cache. Output is byte for byte what a build without any cache writes.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { FileSource } from '../registry/file-source.js';
import { buildBoard, type View } from './board.js';
import type { BenchmarkInput } from './collect.js';
import { PageCache, type PageEntry } from './page-cache.js';
import { byFile, completeFiles } from './read.js';
import { readRegistryInputs } from './registry-inputs.js';
import { type BenchmarkPages, renderBenchmark, type SiteFiles, writeSitePages } from './site.js';

export interface SiteBuild {
  site: SiteFiles;
  /** The benchmarks with a page, by name. */
  benchmarks: string[];
  /** Files that did not load (left out), by file. */
  problems: Diagnostic[];
  /** The benchmark folders whose pages were rendered in this build (the others came from the page cache). */
  rendered: string[];
  /** Every benchmark's inputs: only when `keepInputs` was asked (every folder is then read). */
  inputs?: BenchmarkInput[];
}

export async function buildSite(opts: {
  source: FileSource;
  /** The registry folder on disk; undefined when the source reads git objects. */
  folder?: string;
  /** The home layout's `parseCache`. */
  parseCacheDir: string;
  /** Where pages are kept between builds (the home layout's `pageCache`); undefined: none kept. */
  pageCacheDir?: string;
  identities: readonly string[];
  view: View;
  /** Registry path -> the commit that merged it (source.ts `commitsFor`; a promise: git works meanwhile). */
  commits: ReadonlyMap<string, string> | Promise<ReadonlyMap<string, string>>;
  out: string;
  /** Read every folder and return the inputs (for the participants' pages, built from them). */
  keepInputs?: boolean;
}): Promise<SiteBuild> {
  let cacheOpened: PageCache | undefined;
  const commitsPromise = Promise.resolve(opts.commits);
  // Made when first needed: by then the folder is listed, and git has had that long to answer.
  const openPageCache = async (): Promise<PageCache> => {
    cacheOpened ??= new PageCache(opts.pageCacheDir, {
      view: opts.view,
      displayRoot: opts.source.displayRoot,
      identities: opts.identities,
      commits: await commitsPromise,
    });
    return cacheOpened;
  };
  const reusedEntries = new Map<string, PageEntry>();
  const read = await readRegistryInputs({
    source: opts.source,
    ...(opts.folder === undefined ? {} : { folder: opts.folder }),
    cacheDir: opts.parseCacheDir,
    identities: opts.identities,
    ...(opts.keepInputs
      ? {}
      : {
          reuse: async (folder, files) => {
            const cache = await openPageCache();
            const entry = cache.get(folder, cache.keyOf(folder, files));
            if (entry) reusedEntries.set(folder, entry);
            return entry !== undefined;
          },
        }),
  });

  const pageCache = await openPageCache();
  const commits = await commitsPromise;
  const pages: BenchmarkPages[] = [];
  const rendered: string[] = [];
  const problems = [...read.problems];
  const keep = (entry: PageEntry | undefined): void => {
    if (entry?.pages) pages.push(entry.pages);
  };
  for (const folder of read.reused) {
    const entry = reusedEntries.get(folder);
    keep(entry);
    problems.push(...(entry?.problems ?? []));
  }
  for (const [folder, folderRead] of read.folders) {
    const key = completeFiles(folderRead.files) ? pageCache.keyOf(folder, folderRead.files) : undefined;
    const kept = key === undefined ? undefined : pageCache.get(folder, key);
    if (kept) {
      keep(kept);
      continue;
    }
    // Decryption keeps the inputs' order.
    const input = folderRead.inputIndex === undefined ? undefined : read.benchmarks[folderRead.inputIndex];
    const entry: PageEntry = {
      ...(input ? { pages: renderBenchmark(buildBoard(input, { view: opts.view, commits })) } : {}),
      problems: folderRead.problems,
    };
    if (key !== undefined) pageCache.set(folder, key, entry);
    rendered.push(folder);
    keep(entry);
  }
  pages.sort((a, b) => (a.benchmark < b.benchmark ? -1 : a.benchmark > b.benchmark ? 1 : 0));
  let site: SiteFiles;
  try {
    site = await writeSitePages(opts.out, pages, opts.view);
  } catch (e) {
    // A kept page gone meanwhile (another build sharing the home replaced it): build again without the cache.
    if (opts.pageCacheDir === undefined || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return buildSite({ ...opts, pageCacheDir: undefined });
  }
  return {
    site,
    benchmarks: pages.map((p) => p.benchmark),
    problems: problems.sort(byFile),
    rendered,
    ...(opts.keepInputs ? { inputs: read.benchmarks } : {}),
  };
}
