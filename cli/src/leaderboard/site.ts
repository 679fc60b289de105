/**
 * Writes the static site: index.html, and per benchmark `benchmarks/<name>.html` with the board it
 * renders as `benchmarks/<name>.json`. Nothing else is written, so the folder holds exactly what the
 * boards allow. The site is built in a sibling folder and renamed into place.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fail } from '../diagnostics/diagnostic.js';
import { replaceDir } from '../infra/atomic-write.js';
import type { Board, View } from './board.js';
import { benchmarkPage, indexPage, indexRow, participantPage } from './html.js';

/** Marks a folder as a built site, so a rebuild may replace it and nothing else gets replaced. */
export const SITE_MARKER = '.gitperf-leaderboard';

export interface SiteFiles {
  /** Paths relative to the site folder. */
  files: string[];
  index: string;
}

/** A file's content: text, or a file to copy (a page the page cache kept). */
export type FileContent = string | { copyOf: string };

/** What the site holds for one benchmark: its page, its board as JSON, and its row in the index. */
export interface BenchmarkPages {
  benchmark: string;
  html: FileContent;
  json: FileContent;
  indexRow: string;
}

/** A board rendered as the site holds it. */
export function renderBenchmark(board: Board): BenchmarkPages {
  return {
    benchmark: board.benchmark,
    html: benchmarkPage(board),
    json: `${JSON.stringify(board, null, 2)}\n`,
    indexRow: indexRow(board),
  };
}

/** Every file of the site, by path relative to its folder. */
export function siteFiles(pages: readonly BenchmarkPages[], view: View): Map<string, FileContent> {
  const out = new Map<string, FileContent>();
  out.set(
    'index.html',
    indexPage(
      pages.map((p) => p.indexRow),
      view,
    ),
  );
  for (const benchmarkPages of pages) {
    out.set(`benchmarks/${benchmarkPages.benchmark}.html`, benchmarkPages.html);
    out.set(`benchmarks/${benchmarkPages.benchmark}.json`, benchmarkPages.json);
  }
  out.set(SITE_MARKER, `gitperf leaderboard site (${view} view); rebuilt as a whole\n`);
  return out;
}

export function writeSite(outDir: string, boards: readonly Board[], view: View): Promise<SiteFiles> {
  return writeSitePages(outDir, boards.map(renderBenchmark), view);
}

/** Writes the site of these benchmarks' pages (in index order). */
export async function writeSitePages(
  outDir: string,
  pages: readonly BenchmarkPages[],
  view: View,
): Promise<SiteFiles> {
  const files = siteFiles(pages, view);
  await writeFolder(outDir, files);
  return {
    files: [...files.keys()].filter((f) => f !== SITE_MARKER),
    index: join(resolve(outDir), 'index.html'),
  };
}

/** True when `inner` is `outer` or lies inside it. */
function within(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Writes one page per participant (`<login>.html`) into its own folder, never into or around the
 * public site's folder: these pages hold more than the public may see.
 */
export async function writeParticipantPages(
  outDir: string,
  publicDir: string,
  pages: ReadonlyMap<string, readonly Board[]>,
): Promise<SiteFiles> {
  const target = resolve(outDir);
  const publicSite = resolve(publicDir);
  if (within(target, publicSite) || within(publicSite, target))
    fail(
      'leaderboard.participants-in-public-site',
      `--participants-out ${outDir} overlaps the public site ${publicDir}; the participants' pages must be written apart from what is published`,
      {},
      2,
    );
  const files = new Map<string, string>();
  for (const [login, boards] of pages) files.set(`${login}.html`, participantPage(login, boards));
  files.set(SITE_MARKER, "gitperf participants' pages (not for publication); rebuilt as a whole\n");
  await writeFolder(outDir, files);
  return { files: [...files.keys()].filter((f) => f !== SITE_MARKER), index: target };
}

/** Writes a folder as a whole: built in a sibling folder and swapped into place (infra/atomic-write.ts). */
async function writeFolder(outDir: string, files: ReadonlyMap<string, FileContent>): Promise<void> {
  const target = resolve(outDir);
  if (existsSync(target) && readdirSync(target).length > 0 && !existsSync(join(target, SITE_MARKER)))
    fail(
      'leaderboard.out-not-empty',
      `${outDir} exists and is not a folder built by gitperf leaderboard; pass an empty or new folder`,
      {},
      2,
    );
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(target)}.building-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const [path, content] of files) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    if (typeof content === 'string') writeFileSync(join(staging, path), content);
    // A kept page is private to its owner (page-cache.ts); the site's copy gets a written file's mode.
    else writeFileSync(join(staging, path), readFileSync(content.copyOf));
  }
  await replaceDir(staging, target);
}
