/**
 * Writes the static site: index.html, and per benchmark `benchmarks/<name>.html` with the board it
 * renders as `benchmarks/<name>.json`. Nothing else is written, so the folder holds exactly what the
 * boards allow. The site is built in a sibling folder and renamed into place.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fail } from '../diagnostics/diagnostic.js';
import type { Board, View } from './board.js';
import { benchmarkPage, indexPage, participantPage } from './html.js';

/** Marks a folder as a built site, so a rebuild may replace it and nothing else gets replaced. */
export const SITE_MARKER = '.gitperf-leaderboard';

export interface SiteFiles {
  /** Paths relative to the site folder. */
  files: string[];
  index: string;
}

/** Every file of the site, by path relative to its folder. */
export function siteFiles(boards: readonly Board[], view: View): Map<string, string> {
  const out = new Map<string, string>();
  out.set('index.html', indexPage(boards, view));
  for (const board of boards) {
    out.set(`benchmarks/${board.benchmark}.html`, benchmarkPage(board));
    out.set(`benchmarks/${board.benchmark}.json`, `${JSON.stringify(board, null, 2)}\n`);
  }
  out.set(SITE_MARKER, `gitperf leaderboard site (${view} view); rebuilt as a whole\n`);
  return out;
}

export function writeSite(outDir: string, boards: readonly Board[], view: View): SiteFiles {
  const files = siteFiles(boards, view);
  writeFolder(outDir, files);
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
export function writeParticipantPages(
  outDir: string,
  publicDir: string,
  pages: ReadonlyMap<string, readonly Board[]>,
): SiteFiles {
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
  writeFolder(outDir, files);
  return { files: [...files.keys()].filter((f) => f !== SITE_MARKER), index: target };
}

/** Writes a folder as a whole: built in a sibling folder and renamed into place. */
function writeFolder(outDir: string, files: ReadonlyMap<string, string>): void {
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
  for (const [path, text] of files) {
    mkdirSync(dirname(join(staging, path)), { recursive: true });
    writeFileSync(join(staging, path), text);
  }
  const old = join(parent, `.${basename(target)}.old-${process.pid}`);
  if (existsSync(target)) renameSync(target, old);
  renameSync(staging, target);
  rmSync(old, { recursive: true, force: true });
}
