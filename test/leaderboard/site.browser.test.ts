// The built site in real headless Chromium, opened from disk: ranking order, intervals, suppressed
// cells, the sort control, and per sharing level that nothing the level forbids is in the DOM or files.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { BENCH, type Fixture, registryRepo, reportedSiteNumbers, SITE_NAMES, setPolicy } from './fixture.js';

const artifacts = join(repoRoot, 'test-artifacts', 'leaderboard');
let browser: Browser;
let fx: Fixture;
let siteNumbers: string[];
/** Under per-model the spread shows the primary metric's site values, anonymously; the others stay out. */
let nonPrimarySiteNumbers: string[];

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  fx = registryRepo('gitperf-leaderboard-browser-');
  browser = await launchChromium();
  // The per-site numbers: what the result files report, and each cell's own value as the full view
  // computes it. A count ratio can equal a pooled one exactly (61/64 at one site, 122/128 pooled), so
  // numbers the page publishes as pooled values are not per-site evidence and are left out.
  const full = JSON.parse(readFileSync(join(await buildAt('full'), 'benchmarks', `${BENCH}.json`), 'utf8'));
  const cellValues: number[] = full.matrix.rows.flatMap((r: { cells: { value?: number }[] }) =>
    r.cells.flatMap((c) => (c.value === undefined ? [] : [c.value])),
  );
  const pooled = new Set<string>(
    full.models.flatMap((m: { metrics: { value?: number }[] }) =>
      m.metrics.flatMap((x) => (x.value === undefined ? [] : [x.value.toFixed(6), String(x.value)])),
    ),
  );
  const notPooled = (n: string) => !pooled.has(n) && !pooled.has(Number(n).toFixed(6));
  siteNumbers = [...reportedSiteNumbers(fx.registry), ...cellValues.map(String)].filter(notPooled);
  nonPrimarySiteNumbers = reportedSiteNumbers(fx.registry, ['auc']).filter(notPooled);
  expect(siteNumbers.length).toBeGreaterThan(20);
  expect(nonPrimarySiteNumbers.length).toBeGreaterThan(15);
});
afterAll(async () => {
  await browser?.close();
  if (fx) rmSync(join(fx.root, '..'), { recursive: true, force: true });
});

type Level = 'aggregate' | 'per-model' | 'full';

/** Builds the public site with the benchmark's sharing set to `level`. */
async function buildAt(level: Level): Promise<string> {
  setPolicy(fx.registry, BENCH, { sharing: level, participants: 'full' });
  const out = join(fx.root, '..', `site-${level}`);
  const r = await runCli(['leaderboard', 'build', '--out', out, '--dir', 'registry'], { cwd: fx.root });
  expect(r.exitCode, r.stderr).toBe(0);
  return out;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

async function open(out: string, path: string, shot: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(join(out, path)).href);
  await page.waitForSelector('table[data-sort-ready]');
  expect(errors).toEqual([]);
  await page.screenshot({ path: join(artifacts, `${shot}.png`), fullPage: true });
  return page;
}

const rankingModels = (page: Page) =>
  page.$$eval('#ranking tbody tr', (rows) => rows.map((r) => r.querySelector('th')?.textContent ?? ''));

/** What the DOM holds now (after the script ran): text, attributes and markup alike. */
const dom = (page: Page) => page.content();

describe.each(['aggregate', 'per-model', 'full'] as const)('the public site under %s sharing', (level) => {
  let out: string;
  let page: Page;
  beforeAll(async () => {
    out = await buildAt(level);
    page = await open(out, `benchmarks/${BENCH}.html`, `${level}-${BENCH}`);
    const index = await open(out, 'index.html', `${level}-index`);
    expect(await index.textContent('#benchmarks tbody')).toContain(BENCH);
    await index.click(`a[href="benchmarks/${BENCH}.html"]`);
    expect(await index.title()).toContain(BENCH);
    await index.close();
  });
  afterAll(() => page?.close());

  it('ranks the models by the pooled AUC with 95% intervals, sites and cases', async () => {
    expect(await rankingModels(page)).toEqual(['ana/bc-logreg', 'lee/bc-centroid', 'kim/bc-stump']);
    const first = await page.$$eval('#ranking tbody tr:first-child td', (tds) =>
      tds.map((t) => t.textContent),
    );
    expect(first.slice(0, 5)).toEqual(['1', '0.987', '0.973–1.000', '3', '339']);
    expect(await page.textContent('#ranking caption')).toContain('threshold-grid AUC');
    // The forest plot has its text alternative.
    expect(await page.textContent('svg.forest desc')).toContain(
      'ana/bc-logreg: 0.987, 95% interval 0.973 to 1.000',
    );
  });

  it('sorts with the header buttons (aria-sort tells which way)', async () => {
    await page.click('#ranking thead th:nth-child(2) button');
    expect(await page.getAttribute('#ranking thead th:nth-child(2)', 'aria-sort')).toBe('ascending');
    expect(await rankingModels(page)).toEqual(['ana/bc-logreg', 'kim/bc-stump', 'lee/bc-centroid']);
    await page.click('#ranking thead th:nth-child(2) button');
    expect(await page.getAttribute('#ranking thead th:nth-child(2)', 'aria-sort')).toBe('descending');
    expect(await rankingModels(page)).toEqual(['lee/bc-centroid', 'kim/bc-stump', 'ana/bc-logreg']);
    await page.click('#ranking thead th:nth-child(3) button');
    expect(await rankingModels(page)).toEqual(['kim/bc-stump', 'lee/bc-centroid', 'ana/bc-logreg']);
    await page.click('#ranking thead th:nth-child(3) button');
    expect(await rankingModels(page)).toEqual(['ana/bc-logreg', 'lee/bc-centroid', 'kim/bc-stump']);
  });

  it(
    level === 'full'
      ? 'shows the matrix with sites named and the small cell suppressed'
      : level === 'aggregate'
        ? 'shows no site name and no per-site number in the DOM or in any file'
        : 'shows no site name, and of the site values only the spread of the primary metric',
    async () => {
      const html = await dom(page);
      const files = allFiles(out).map((f) => readFileSync(f, 'utf8'));
      if (level === 'full') {
        expect(html).toContain('hospital-c/wdbc-c');
        const stumpColumn = await page.$$eval('#matrix thead th', (ths) =>
          ths.findIndex((t) => t.textContent === 'kim/bc-stump'),
        );
        const cells = await page.$$eval(`#matrix tbody tr td:nth-child(${stumpColumn + 1})`, (tds) =>
          tds.map((t) => t.textContent),
        );
        // The example's results are unsigned (submitted without a runner): each number says so.
        expect(cells).toEqual(['0.902 unsigned', '0.882 unsigned', 'suppressed']);
        return;
      }
      expect(await page.$('#matrix')).toBeNull();
      const forbidden = level === 'aggregate' ? siteNumbers : nonPrimarySiteNumbers;
      for (const text of [html, ...files]) {
        for (const name of SITE_NAMES) expect(text).not.toContain(name);
        for (const n of forbidden) expect(text).not.toContain(n);
      }
      const spread = await page.$('#ranking thead th:nth-child(7)');
      if (level === 'aggregate') expect(await spread?.textContent()).not.toContain('Site');
      else expect(await spread?.textContent()).toContain('Site min');
    },
  );
});

describe('aggregate: every number published is a pooled one, at any precision', () => {
  it('the DOM text and the data file hold no decimal that is not a pooled value (or its rounding)', async () => {
    const out = await buildAt('aggregate');
    const data = JSON.parse(readFileSync(join(out, 'benchmarks', `${BENCH}.json`), 'utf8'));
    type Estimate = { value?: number; low?: number; high?: number } | undefined;
    const pooled: number[] = [];
    for (const model of data.models as { primary: Estimate; metrics: Estimate[] }[])
      for (const estimate of [model.primary, ...model.metrics])
        for (const value of [estimate?.value, estimate?.low, estimate?.high])
          if (typeof value === 'number') pooled.push(value);
    expect(pooled.length).toBeGreaterThan(10);
    // The data file: every fractional number is one of the pooled estimates, exactly.
    const fractions: number[] = [];
    const walk = (value: unknown): void => {
      if (typeof value === 'number' && !Number.isInteger(value)) fractions.push(value);
      else if (value && typeof value === 'object') for (const inner of Object.values(value)) walk(inner);
    };
    walk(data);
    expect(fractions.length).toBeGreaterThan(10);
    for (const value of fractions) expect(pooled, String(value)).toContain(value);
    // The page as a reader sees it: every decimal is a pooled estimate rounded (or a percentage of one).
    const shown = new Set(
      pooled.flatMap((value) =>
        [0, 1, 2, 3, 4, 5, 6].flatMap((digits) => [value.toFixed(digits), (value * 100).toFixed(digits)]),
      ),
    );
    const page = await open(out, `benchmarks/${BENCH}.html`, 'aggregate-numbers');
    // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered keeps table cells apart (textContent glues 1.000 and 3 into 1.0003)
    const text = await page.innerText('body');
    // The forest plot's axis labels: six evenly spaced values (an axis, not data), allowed as such.
    const ticks = await page.$$eval('svg text[text-anchor="middle"]', (labels) =>
      labels.map((label) => label.textContent ?? ''),
    );
    expect(ticks).toHaveLength(6);
    const tickValues = ticks.map(Number);
    const step = (tickValues[5] - tickValues[0]) / 5;
    tickValues.forEach((value, index) => {
      expect(Math.abs(value - (tickValues[0] + index * step))).toBeLessThan(0.011);
    });
    for (const tick of ticks) shown.add(tick);
    await page.close();
    const decimals = text.match(/(?<![\d.])\d+\.\d+(?![\d.])/g) ?? [];
    expect(decimals.length).toBeGreaterThan(10);
    for (const decimal of decimals)
      expect(shown.has(decimal), `${decimal} is not a pooled number`).toBe(true);
  });
});
