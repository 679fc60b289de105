/**
 * Writes the static site: index.html, and per benchmark `benchmarks/<name>.html` with the board it
 * renders as `benchmarks/<name>.json`. Nothing else is written, so the folder holds exactly what the
 * boards allow. The site is built in a sibling folder and renamed into place.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fail } from '../diagnostics/diagnostic.js';
import type { Board, View } from './board.js';
import { benchmarkPage, indexPage } from './html.js';

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
  for (const b of boards) {
    out.set(`benchmarks/${b.benchmark}.html`, benchmarkPage(b));
    out.set(`benchmarks/${b.benchmark}.json`, `${JSON.stringify(b, null, 2)}\n`);
  }
  out.set(SITE_MARKER, `gitperf leaderboard site (${view} view); rebuilt as a whole\n`);
  return out;
}

export function writeSite(outDir: string, boards: readonly Board[], view: View): SiteFiles {
  const target = resolve(outDir);
  if (existsSync(target) && readdirSync(target).length > 0 && !existsSync(join(target, SITE_MARKER)))
    fail(
      'leaderboard.out-not-empty',
      `${outDir} exists and is not a leaderboard site built by gitperf; pass an empty or new folder to --out`,
      {},
      2,
    );
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(target)}.building-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const files = siteFiles(boards, view);
  mkdirSync(join(staging, 'benchmarks'), { recursive: true });
  for (const [path, text] of files) writeFileSync(join(staging, path), text);
  const old = join(parent, `.${basename(target)}.old-${process.pid}`);
  if (existsSync(target)) renameSync(target, old);
  renameSync(staging, target);
  rmSync(old, { recursive: true, force: true });
  return { files: [...files.keys()].filter((f) => f !== SITE_MARKER), index: join(target, 'index.html') };
}
