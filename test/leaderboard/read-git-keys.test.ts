// The leaderboard read with git naming the unchanged files (cleanBlobIds) gives exactly what a read
// without any cache gives: cold, warm, after a committed file changes in the work tree, after a new
// untracked file, and with a corrupt cache shard (ignored, then rewritten).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanBlobIds } from '../../cli/src/git/git.js';
import { gitBlobId } from '../../cli/src/infra/parse-cache.js';
import { readLeaderboardInputs } from '../../cli/src/leaderboard/read.js';
import { FsFileSource } from '../../cli/src/registry/file-source.js';
import { BENCH, editYaml, type Fixture, registryRepo } from './fixture.js';

let fx: Fixture;
let cacheDir: string;
beforeAll(() => {
  fx = registryRepo('gitperf-leaderboard-git-keys-');
  cacheDir = mkdtempSync(join(tmpdir(), 'gitperf-parse-cache-'));
});
afterAll(() => {
  rmSync(join(fx.root, '..'), { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

const resultFile = (site: string, dataset: string, model: string) =>
  join(fx.registry, 'benchmarks', BENCH, 'results', site, dataset, `${model}.yaml`);

async function readBoth() {
  const source = new FsFileSource(fx.registry);
  const uncached = await readLeaderboardInputs(source);
  const blobIds = await cleanBlobIds(fx.registry);
  if (!blobIds) throw new Error('the fixture registry is a git work tree');
  const withKeys = await readLeaderboardInputs(source, { cacheDir, blobIds });
  return { uncached, withKeys, blobIds };
}

describe('cleanBlobIds', () => {
  it("gives git's blob id of each committed file, and leaves out modified and untracked ones", async () => {
    const file = resultFile('hospital-a', 'wdbc-a', 'lee.bc-centroid');
    const path = `benchmarks/${BENCH}/results/hospital-a/wdbc-a/lee.bc-centroid.yaml`;
    const ids = await cleanBlobIds(fx.registry);
    expect(ids?.get(path)).toBe(fx.git('rev-parse', `HEAD:registry/${path}`));
    expect(ids?.get(path)).toBe(gitBlobId(readFileSync(file)));
    const before = readFileSync(file);
    writeFileSync(file, `${before.toString('utf8')}# edited\n`);
    writeFileSync(join(fx.registry, 'untracked.yaml'), 'x: 1\n');
    const after = await cleanBlobIds(fx.registry);
    expect(after?.has(path)).toBe(false);
    expect(after?.has('untracked.yaml')).toBe(false);
    expect(after?.size).toBe((ids?.size ?? 0) - 1);
    writeFileSync(file, before);
    rmSync(join(fx.registry, 'untracked.yaml'));
    expect(await cleanBlobIds(mkdtempSync(join(tmpdir(), 'gitperf-not-git-')))).toBeUndefined();
  });
});

describe('readLeaderboardInputs with git blob ids', () => {
  it('reads no file warm, and gives what a read without cache gives, cold and warm', async () => {
    const cold = await readBoth();
    expect(cold.withKeys.benchmarks).toEqual(cold.uncached.benchmarks);
    expect(cold.withKeys.cached).toBe(0);
    const warm = await readBoth();
    expect(warm.withKeys.parsed).toBe(0);
    expect(warm.withKeys.cached).toBe(cold.withKeys.parsed);
    expect(warm.withKeys.benchmarks).toEqual(warm.uncached.benchmarks);
  });

  it('parses a file changed in the work tree (uncommitted) and a new untracked result', async () => {
    editYaml(resultFile('hospital-a', 'wdbc-a', 'lee.bc-centroid'), (d) => {
      d.spec.metrics.accuracy = 0.25;
    });
    const changed = await readBoth();
    expect(changed.withKeys.parsed).toBe(1);
    expect(changed.withKeys.benchmarks).toEqual(changed.uncached.benchmarks);
    const lee = changed.withKeys.benchmarks[0].results.find((r) =>
      r.file.endsWith('wdbc-a/lee.bc-centroid.yaml'),
    );
    expect(lee?.metrics.accuracy).toBe(0.25);

    // Untracked (removed from the index, kept on disk): read and keyed by its content, which the cache has.
    const kimPath = `benchmarks/${BENCH}/results/hospital-b/wdbc-b/kim.bc-stump.yaml`;
    fx.git('rm', '-q', '--cached', `registry/${kimPath}`);
    const untracked = await readBoth();
    expect(untracked.blobIds.has(kimPath)).toBe(false);
    expect(untracked.withKeys.parsed).toBe(0);
    expect(untracked.withKeys.benchmarks).toEqual(untracked.uncached.benchmarks);
    fx.git('add', `registry/${kimPath}`);
    // Committed: now known by blob id, still the same answer.
    fx.git('commit', '-qam', 'accuracy changed');
    const committed = await readBoth();
    expect(committed.withKeys.parsed).toBe(0);
    expect(committed.withKeys.benchmarks).toEqual(committed.uncached.benchmarks);
  });

  it('ignores a corrupt or foreign cache shard and rewrites it', async () => {
    const shard = join(cacheDir, 'leaderboard', `${BENCH}.json`);
    const good = readFileSync(shard, 'utf8');
    for (const bad of [
      '{"version":2,"entries":{"Res', // torn write
      good.replace(/"R",/g, '"X",'), // well-formed JSON, entries of an unknown shape
      JSON.stringify({ version: 2, entries: [] }),
    ]) {
      writeFileSync(shard, bad);
      const r = await readBoth();
      expect(r.withKeys.benchmarks).toEqual(r.uncached.benchmarks);
      expect(r.withKeys.parsed).toBeGreaterThan(0);
      const again = await readBoth();
      expect(again.withKeys.parsed).toBe(0);
      expect(again.withKeys.benchmarks).toEqual(r.uncached.benchmarks);
    }
  });
});
