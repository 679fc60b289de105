// Reading the leaderboard's inputs straight from the files, with and without the content-hash cache,
// gives what the registry loader and index give.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectBenchmarks } from '../../cli/src/leaderboard/collect.js';
import { readLeaderboardInputs } from '../../cli/src/leaderboard/read.js';
import { FsFileSource } from '../../cli/src/registry/file-source.js';
import { loadRegistry } from '../../cli/src/registry/loader.js';
import { RegistryIndex } from '../../cli/src/registry/registry-index.js';
import { BENCH, editYaml, type Fixture, registryRepo } from './fixture.js';

let fx: Fixture;
let cacheDir: string;
beforeAll(() => {
  fx = registryRepo('gitperf-leaderboard-read-');
  cacheDir = mkdtempSync(join(tmpdir(), 'gitperf-leaderboard-cache-'));
  // A NaN metric must come back as NaN from the cache, not as null.
  editYaml(
    join(fx.registry, 'benchmarks', BENCH, 'results', 'hospital-b', 'wdbc-b', 'kim.bc-stump.yaml'),
    (d) => {
      d.spec.metrics.coverage = Number.NaN;
    },
  );
});
afterAll(() => {
  rmSync(join(fx.root, '..'), { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('readLeaderboardInputs', () => {
  it('gives the registry index’s inputs, parsing every file cold and none warm', async () => {
    const source = new FsFileSource(fx.registry);
    const expected = collectBenchmarks(new RegistryIndex((await loadRegistry(source)).entities));
    const cold = await readLeaderboardInputs(source, { cacheDir });
    expect(cold.benchmarks).toEqual(expected);
    expect(cold.cached).toBe(0);
    expect(cold.parsed).toBeGreaterThan(9);
    const warm = await readLeaderboardInputs(source, { cacheDir });
    expect(warm.parsed).toBe(0);
    expect(warm.cached).toBe(cold.parsed);
    expect(warm.benchmarks).toEqual(expected);
    const kim = warm.benchmarks[0].results.find((r) => r.file.endsWith('wdbc-b/kim.bc-stump.yaml'));
    expect(Number.isNaN(kim?.metrics.coverage)).toBe(true);
  });

  it('parses a changed file again, and reports a file that no longer passes its schema', async () => {
    const source = new FsFileSource(fx.registry);
    const file = join(
      fx.registry,
      'benchmarks',
      BENCH,
      'results',
      'hospital-a',
      'wdbc-a',
      'lee.bc-centroid.yaml',
    );
    editYaml(file, (d) => {
      d.spec.metrics.accuracy = 0.5;
    });
    const changed = await readLeaderboardInputs(source, { cacheDir });
    expect(changed.parsed).toBe(1);
    const lee = changed.benchmarks[0].results.find((r) => r.file.endsWith('wdbc-a/lee.bc-centroid.yaml'));
    expect(lee?.metrics.accuracy).toBe(0.5);
    writeFileSync(file, readFileSync(file, 'utf8').replace('partial: false', 'partial: maybe'));
    const broken = await readLeaderboardInputs(source, { cacheDir });
    expect(broken.problems.map((p) => p.file)).toContain(
      `${fx.registry}/benchmarks/${BENCH}/results/hospital-a/wdbc-a/lee.bc-centroid.yaml`,
    );
    expect(broken.benchmarks[0].results.some((r) => r.file.endsWith('wdbc-a/lee.bc-centroid.yaml'))).toBe(
      false,
    );
  });
});
