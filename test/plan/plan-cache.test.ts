// The plan with the parse cache (git names unchanged results; the cache holds their fingerprints) gives
// exactly the plan without it: cold, warm, after a result changes in the work tree (uncommitted), after
// the registry's cubes change, with a broken result, and with a corrupt cache.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutLocation, makePlan, type Plan } from '../../cli/src/plan/index.js';
import { FsFileSource } from '../../cli/src/registry/file-source.js';
import type { CubeUsage, MLCube } from '../../cli/src/registry/types.generated.js';
import {
  benchmark,
  cube,
  dataset,
  datasetAssociation,
  hashesOf,
  modelAssociation,
  RegistryRepo,
  result,
  sha,
} from './fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const T0 = 1_760_000_000;
const usage = (role: CubeUsage['role'], c: MLCube): CubeUsage => ({
  role,
  ref: `${c.metadata.owner}/${c.metadata.name}`,
  hashes: hashesOf(c),
});

async function plan(repo: RegistryRepo, cacheDir?: string): Promise<Plan> {
  return makePlan(
    new FsFileSource(repo.registry, 'registry'),
    {},
    await checkoutLocation(repo.registry),
    repo.registry,
    cacheDir ? { cacheDir } : {},
  );
}

/** Plans with and without the cache; they must agree. Returns the cached plan. */
async function agree(repo: RegistryRepo, cacheDir: string): Promise<Plan> {
  const withCache = await plan(repo, cacheDir);
  expect(withCache).toEqual(await plan(repo));
  return withCache;
}

describe('gitperf plan with the parse cache', () => {
  it('plans the same as without it, cold, warm, after edits in the work tree and with a corrupt cache', async () => {
    const repo = await RegistryRepo.create();
    const cacheDir = mkdtempSync(join(tmpdir(), 'gitperf-plan-cache-'));
    cleanups.push(
      () => repo.cleanup(),
      async () => rmSync(cacheDir, { recursive: true, force: true }),
    );
    const uid = sha('h1/d1/uid');
    const models = ['lee/m1', 'lee/m2', 'lee/m3', 'lee/m4'];
    await repo.put(cube('ana/prep'), cube('ana/ref'), cube('ana/metrics'), benchmark('bc'));
    await repo.put(dataset('h1/d1', uid), datasetAssociation('bc', 'h1/d1'));
    for (const m of models) await repo.put(cube(m), modelAssociation('bc', m));
    const cur = (m: string) => [
      usage('preparator', cube('ana/prep')),
      usage('model', cube(m)),
      usage('metrics', cube('ana/metrics')),
    ];
    await repo.put(
      result('bc', 'h1/d1', 'ana/ref', cur('ana/ref'), uid), // current
      result('bc', 'h1/d1', 'lee/m1', cur('lee/m1'), uid), // current
      result('bc', 'h1/d1', 'lee/m2', cur('lee/m2'), sha('older data')), // stale
      result(
        'bc',
        'h1/d1',
        'lee/m3',
        cur('lee/m3').map((u) =>
          u.role === 'model' ? { ...u, hashes: { ...u.hashes, image: sha('old') } } : u,
        ),
        uid,
      ), // stale
    );
    await repo.commit('registry', T0);

    const cold = await agree(repo, cacheDir);
    expect(cold.jobs.map((j) => `${j.model} ${j.reason}`).sort()).toEqual([
      'lee/m2 stale',
      'lee/m3 stale',
      'lee/m4 new',
    ]);
    const shards = join(cacheDir, 'plan-results');
    expect(readdirSync(shards)).toHaveLength(1);
    const warm = await agree(repo, cacheDir);
    expect(warm).toEqual(cold);

    // lee/m1's result rewritten in the work tree (not committed) as stale, lee/m2's as current.
    await repo.put(
      result('bc', 'h1/d1', 'lee/m1', cur('lee/m1'), sha('other data')),
      result('bc', 'h1/d1', 'lee/m2', cur('lee/m2'), uid),
    );
    const edited = await agree(repo, cacheDir);
    expect(edited.jobs.map((j) => `${j.model} ${j.reason}`).sort()).toEqual([
      'lee/m1 stale',
      'lee/m3 stale',
      'lee/m4 new',
    ]);
    // The registry moves on (a new image for ana/ref): its cached-current result is now stale.
    await repo.put(cube('ana/ref', { image: sha('new image') }));
    await repo.commit('new image', T0 + 10);
    const moved = await agree(repo, cacheDir);
    expect(moved.jobs.find((j) => j.model === 'ana/ref')).toMatchObject({
      reason: 'stale',
      changed: ['model image'],
    });
    // A broken stale result (uncommitted): the same warning with and without the cache.
    const broken = join(repo.registry, 'benchmarks/bc/results/h1/d1/lee.m3.yaml');
    const before = readFileSync(broken, 'utf8');
    writeFileSync(broken, before.replace('    cubes:', '    cubes: {'));
    expect((await agree(repo, cacheDir)).warnings.length).toBeGreaterThan(0);
    writeFileSync(broken, before);

    // Corrupt shards: ignored, then rewritten.
    const [shard] = readdirSync(shards);
    for (const bad of ['{"version":1,"entries":{"Res', '{"version":1,"entries":{"x":[1,2,3]}}', 'null']) {
      writeFileSync(join(shards, shard), bad);
      await agree(repo, cacheDir);
      expect(JSON.parse(readFileSync(join(shards, shard), 'utf8')).version).toBe(1);
    }
    // A cache entry that lies (a current fingerprint for a stale result) is keyed by content, so it can
    // only be reached by that content: entries under other keys never answer for this file.
    const text = JSON.parse(readFileSync(join(shards, shard), 'utf8')) as {
      entries: Record<string, unknown>;
    };
    expect(Object.keys(text.entries).every((k) => /^Result:[0-9a-f]{40}$/.test(k))).toBe(true);
  });
});
