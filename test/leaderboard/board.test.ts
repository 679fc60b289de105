// The board (what a page may show) built from the committed example registry, and variants of it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Board, buildBoard } from '../../cli/src/leaderboard/board.js';
import { type BenchmarkInput, collectBenchmarks } from '../../cli/src/leaderboard/collect.js';
import { FsFileSource } from '../../cli/src/registry/file-source.js';
import { loadRegistry } from '../../cli/src/registry/loader.js';
import { RegistryIndex } from '../../cli/src/registry/registry-index.js';

const registryDir = join(import.meta.dirname, '..', '..', 'registry');

async function demoInput(): Promise<BenchmarkInput> {
  const r = await loadRegistry(new FsFileSource(registryDir, 'registry'));
  expect(r.diagnostics).toEqual([]);
  const [bench] = collectBenchmarks(new RegistryIndex(r.entities));
  return bench;
}

function withPolicy(input: BenchmarkInput, policy: Partial<BenchmarkInput['policy']>): BenchmarkInput {
  return { ...input, policy: { ...input.policy, ...policy } };
}

const SITE_NAMES = ['hospital-a', 'hospital-b', 'hospital-c', 'wdbc-a', 'wdbc-b', 'wdbc-c'];

describe('the demo benchmark', () => {
  it('ranks by the pooled threshold-grid AUC with intervals, sites and cases (public, per-model)', async () => {
    const board = buildBoard(await demoInput(), { view: 'public' });
    expect(board).toMatchObject({
      level: 'per-model',
      status: 'ranked',
      primaryMetric: 'auc',
      hiddenModels: 0,
    });
    expect(board.models.map((m) => [m.rank, m.model])).toEqual([
      [1, 'ana/bc-logreg'],
      [2, 'lee/bc-centroid'],
      [3, 'kim/bc-stump'],
    ]);
    const [logreg, , stump] = board.models;
    expect(logreg).toMatchObject({ sites: 3, cases: 339 });
    expect(logreg.primary).toMatchObject({
      method: 'threshold-grid-auc',
      intervalLabel: 'Hanley-McNeil 95%',
    });
    const p = logreg.primary as { value: number; low: number; high: number };
    expect(p.low).toBeLessThan(p.value);
    expect(p.high).toBeGreaterThan(p.value);
    // The stump failed at C (0 cases): left out of the pool, flagged partial, without naming the site.
    expect(stump).toMatchObject({ sites: 2, cases: 240, partial: { count: 1 } });
    expect(stump.notes.join(' ')).toContain('left out of the pooled numbers');
    expect(stump.spread?.sites).toBe(2);
    expect(board.matrix).toBeUndefined();
    expect(JSON.stringify(board)).not.toMatch(new RegExp(SITE_NAMES.join('|')));
  });

  it('the participants view (full) has the matrix with the suppressed cell and per-file provenance', async () => {
    const board = buildBoard(await demoInput(), { view: 'participants' });
    expect(board.level).toBe('full');
    expect(board.matrix?.datasets).toEqual(['hospital-a/wdbc-a', 'hospital-b/wdbc-b', 'hospital-c/wdbc-c']);
    const stumpRow = board.matrix?.rows.find((r) => r.model === 'kim/bc-stump');
    expect(stumpRow?.cells.map((c) => c.state)).toEqual(['shown', 'shown', 'suppressed']);
    expect(stumpRow?.cells[2].value).toBeUndefined();
    expect(board.models[0].provenance.files).toHaveLength(3);
    expect(board.models[0].provenance.cubes.map((c) => c.role)).toEqual(['metrics', 'model', 'preparator']);
  });

  it('aggregate shows no spread, no matrix and no per-site numbers', async () => {
    const input = withPolicy(await demoInput(), { sharing: 'aggregate', participants: 'aggregate' });
    const board = buildBoard(input, { view: 'public' });
    expect(board.models.every((m) => m.spread === undefined)).toBe(true);
    const full = buildBoard(withPolicy(input, { sharing: 'full', participants: 'full' }), { view: 'public' });
    const siteValues = full.matrix?.rows
      .flatMap((r) => r.cells.map((c) => c.value))
      .filter((v) => v !== undefined);
    expect(siteValues?.length).toBe(8);
    const text = JSON.stringify(board);
    for (const v of siteValues ?? []) expect(text).not.toContain(String(v));
    expect(text).not.toMatch(new RegExp(SITE_NAMES.join('|')));
  });

  it('selects the top N, or the opted-in models only', async () => {
    const input = await demoInput();
    const top = buildBoard(withPolicy(input, { leaderboard: { top: 2 } }), { view: 'public' });
    expect(top.models.map((m) => m.model)).toEqual(['ana/bc-logreg', 'lee/bc-centroid']);
    expect(top.hiddenModels).toBe(1);
    const optedIn = buildBoard(
      {
        ...withPolicy(input, { leaderboard: 'opted-in' }),
        models: input.models.map((m) => ({ ...m, optIn: m.model === 'lee/bc-centroid' })),
      },
      { view: 'public' },
    );
    expect(optedIn.models.map((m) => [m.rank, m.model])).toEqual([[1, 'lee/bc-centroid']]);
    // The participants' view lists everyone.
    expect(
      buildBoard(withPolicy(input, { leaderboard: 'opted-in' }), { view: 'participants' }).models,
    ).toHaveLength(3);
  });
});

describe('bad input gives a board that says so', () => {
  const codes = (b: Board) => b.notes.map((n) => n.code);

  it('no results yet', async () => {
    const board = buildBoard({ ...(await demoInput()), results: [] }, { view: 'public' });
    expect(board.status).toBe('no-results');
    expect(codes(board)).toEqual(['leaderboard.no-results']);
  });

  it('a result without sufficient statistics is left out of the pool and named only under full', async () => {
    const input = await demoInput();
    const [first, ...rest] = input.results;
    const { stats: _dropped, ...bare } = first;
    const board = buildBoard({ ...input, results: [bare, ...rest] }, { view: 'public' });
    expect(codes(board)).toContain('leaderboard.no-sufficient-statistics');
    expect(JSON.stringify(board.notes)).not.toContain(first.file);
    const row = board.models.find((m) => m.model === first.model);
    expect(row?.cases).toBe(339 - (first.stats?.cases ?? 0));
    const full = buildBoard(
      { ...withPolicy(input, { sharing: 'full' }), results: [bare, ...rest] },
      { view: 'public' },
    );
    expect(JSON.stringify(full.notes)).toContain(first.file);
    expect(full.matrix?.rows.flatMap((r) => r.cells).filter((c) => c.state === 'no-statistics')).toHaveLength(
      1,
    );
  });

  it('a metric missing from some results, and a primary metric no result has', async () => {
    const input = await demoInput();
    const results = input.results.map((r, i) =>
      i === 0
        ? { ...r, metrics: Object.fromEntries(Object.entries(r.metrics).filter(([k]) => k !== 'coverage')) }
        : r,
    );
    const board = buildBoard({ ...input, results }, { view: 'public' });
    expect(board.notes.find((n) => n.code === 'leaderboard.metric-missing')?.message).toContain(
      'metric "coverage" is missing from 1 of 9 results',
    );
    const unranked = buildBoard(withPolicy(input, { primaryMetric: 'dice' }), { view: 'public' });
    expect(unranked.status).toBe('unranked');
    expect(codes(unranked)).toContain('leaderboard.no-primary-metric');
    expect(unranked.models.every((m) => m.rank === undefined)).toBe(true);
  });
});
