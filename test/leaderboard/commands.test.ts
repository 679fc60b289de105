// `gitperf leaderboard show|build` as whole processes on a git copy of the example registry.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { BENCH, cloneBenchmark, editYaml, type Fixture, registryRepo, setPolicy } from './fixture.js';

let fx: Fixture;
beforeAll(() => {
  fx = registryRepo();
});
afterAll(() => rmSync(join(fx.root, '..'), { recursive: true, force: true }));

describe('leaderboard show', () => {
  it('prints the ranking as JSON with provenance down to the merge commit', async () => {
    const r = await runCli(['leaderboard', 'show', '--dir', 'registry', '--format', 'json'], {
      cwd: fx.root,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schema: 'gitperf.leaderboard/v1', view: 'public' });
    const [board] = doc.benchmarks;
    expect(board.models.map((m: { model: string }) => m.model)).toEqual([
      'ana/bc-logreg',
      'lee/bc-centroid',
      'kim/bc-stump',
    ]);
    expect(board.models[0].provenance.commits).toEqual([fx.git('rev-parse', 'HEAD')]);
    expect(board.models[0].provenance.cubes).toHaveLength(3);
  });

  it('prints Markdown for pull-request comments, and refuses an unknown format (exit 2)', async () => {
    const md = await runCli(['leaderboard', 'show', '--dir', 'registry', '--format', 'md'], { cwd: fx.root });
    expect(md.exitCode, md.stderr).toBe(0);
    expect(md.stdout).toContain('| 1 | ana/bc-logreg | 0.987 |');
    const bad = await runCli(['leaderboard', 'show', '--dir', 'registry', '--format', 'xml'], {
      cwd: fx.root,
    });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Expected --format=xml to be one of: text, md, json');
    expect(bad.stderr).not.toContain('    at ');
  });
});

describe('leaderboard build', () => {
  it('writes the index and one page per benchmark, and replaces only a site it built', async () => {
    const out = join(fx.root, '..', 'site');
    const r = await runCli(['leaderboard', 'build', '--out', out, '--dir', 'registry'], { cwd: fx.root });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(join(out, 'index.html'));
    expect(existsSync(join(out, 'benchmarks', `${BENCH}.html`))).toBe(true);
    writeFileSync(join(out, 'stale.txt'), 'left over');
    const again = await runCli(['leaderboard', 'build', '--out', out, '--dir', 'registry'], { cwd: fx.root });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(existsSync(join(out, 'stale.txt'))).toBe(false);
    const foreign = join(fx.root, '..', 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'keep.txt'), 'mine');
    const refused = await runCli(['leaderboard', 'build', '--out', foreign, '--dir', 'registry'], {
      cwd: fx.root,
    });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('leaderboard.out-not-empty');
    expect(readFileSync(join(foreign, 'keep.txt'), 'utf8')).toBe('mine');
  });
});

describe('bad input: each gives a page that says so', () => {
  it('no results, a primary metric no result has, results without counts, a metric missing from some', async () => {
    const bad = registryRepo('gitperf-leaderboard-bad-');
    try {
      cloneBenchmark(bad.registry, 'bc-empty', { results: false });
      cloneBenchmark(bad.registry, 'bc-dice', { results: true });
      setPolicy(bad.registry, 'bc-dice', { primaryMetric: 'dice' });
      const results = join(bad.registry, 'benchmarks', BENCH, 'results');
      editYaml(join(results, 'hospital-a', 'wdbc-a', 'lee.bc-centroid.yaml'), (d) => {
        delete d.spec.sufficientStatistics;
      });
      editYaml(join(results, 'hospital-b', 'wdbc-b', 'lee.bc-centroid.yaml'), (d) => {
        delete d.spec.metrics.coverage;
      });
      const valid = await runCli(['validate', 'registry'], { cwd: bad.root });
      expect(valid.exitCode, valid.stdout + valid.stderr).toBe(0);
      const out = join(bad.root, '..', 'site');
      const r = await runCli(['leaderboard', 'build', '--out', out, '--dir', 'registry'], { cwd: bad.root });
      expect(r.exitCode, r.stderr).toBe(0);
      const page = (b: string) => readFileSync(join(out, 'benchmarks', `${b}.html`), 'utf8');
      expect(page('bc-empty')).toContain('no results have been merged for bc-empty yet');
      expect(page('bc-dice')).toContain('no result reports the primary metric &quot;dice&quot;');
      const main = page(BENCH);
      expect(main).toContain('1 result of 9 has no sufficient statistics');
      expect(main).toContain('metric &quot;coverage&quot; is missing from 1 of 8 results');
      // lee's pool lost hospital A's 130 cases: 339 - 130.
      const json = JSON.parse(readFileSync(join(out, 'benchmarks', `${BENCH}.json`), 'utf8'));
      expect(json.models.find((m: { model: string }) => m.model === 'lee/bc-centroid').cases).toBe(209);
      const index = readFileSync(join(out, 'index.html'), 'utf8');
      expect(index).toContain('no results yet');
      expect(index).toContain('not ranked (see page)');
    } finally {
      rmSync(join(bad.root, '..'), { recursive: true, force: true });
    }
  });
});
