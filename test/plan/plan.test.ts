import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutLocation, makePlan, type Plan, type PlanScope } from '../../cli/src/plan/index.js';
import { jobId } from '../../cli/src/plan/jobs.js';
import { githubMatrix, planJson, renderPlanText } from '../../cli/src/plan/render.js';
import { GitFileSource, GitView, resolveCommit } from '../../cli/src/policy/index.js';
import { createProfile } from '../../cli/src/profile/profile.js';
import { FsFileSource } from '../../cli/src/registry/file-source.js';
import type { CubeUsage, MLCube } from '../../cli/src/registry/types.generated.js';
import { runCli } from '../helpers/cli.js';
import {
  benchmark,
  cube,
  dataset,
  datasetAssociation,
  hashesOf,
  modelAssociation,
  RegistryRepo,
  result,
  runner,
  sha,
} from './fixture.js';

const repos: RegistryRepo[] = [];
afterEach(async () => {
  for (const r of repos.splice(0)) await r.cleanup();
});

const T0 = 1_760_000_000;

/** One benchmark `bc` in operation with a reference model and the base cubes. */
async function baseRepo(opts: { state?: 'operation' | 'development' } = {}): Promise<RegistryRepo> {
  const repo = await RegistryRepo.create();
  repos.push(repo);
  await repo.put(cube('ana/prep'), cube('ana/ref'), cube('ana/metrics'), benchmark('bc', opts));
  await repo.commit('benchmark', T0);
  return repo;
}

/** Plans a folder the way `gitperf plan --dir` does (ages from its git checkout). */
async function planDir(repo: RegistryRepo, scope: PlanScope = {}, scoped = false): Promise<Plan> {
  const git = await checkoutLocation(repo.registry);
  return makePlan(
    new FsFileSource(repo.registry, 'registry'),
    scope,
    git,
    scoped ? repo.registry : undefined,
  );
}

const triples = (p: Plan) => p.jobs.map((j) => `${j.benchmark} ${j.dataset} ${j.model} ${j.reason}`);

function usage(role: CubeUsage['role'], c: MLCube): CubeUsage {
  return { role, ref: `${c.metadata.owner}/${c.metadata.name}`, hashes: hashesOf(c) };
}

describe('gitperf plan: which jobs', () => {
  it('a benchmark not in operation has no jobs; in operation, every merged pair without a result is new', async () => {
    const repo = await baseRepo({ state: 'development' });
    await repo.put(
      dataset('h1/d1'),
      datasetAssociation('bc', 'h1/d1'),
      cube('lee/m1'),
      modelAssociation('bc', 'lee/m1'),
    );
    await repo.commit('associations', T0 + 10);
    expect((await planDir(repo)).jobs).toEqual([]);
    await repo.put(benchmark('bc'));
    await repo.commit('operation', T0 + 20);
    expect(triples(await planDir(repo))).toEqual(['bc h1/d1 ana/ref new', 'bc h1/d1 lee/m1 new']);
  });

  it('an association that is not merged (only on a pull request branch) plans nothing; merged, it does', async () => {
    const repo = await baseRepo();
    await repo.put(dataset('h1/d1'), datasetAssociation('bc', 'h1/d1'));
    await repo.commit('dataset association', T0 + 10);
    await repo.git('checkout', '-q', '-b', 'pr');
    await repo.put(cube('lee/m1'), modelAssociation('bc', 'lee/m1'));
    await repo.commit('model association (pull request)', T0 + 20);
    const at = async (ref: string) => {
      const sha1 = resolveCommit(repo.root, ref);
      return makePlan(
        new GitFileSource(new GitView(repo.root, sha1)),
        {},
        {
          repoDir: repo.root,
          commit: sha1,
          registryPrefix: 'registry',
        },
      );
    };
    expect(triples(await at('main'))).toEqual(['bc h1/d1 ana/ref new']);
    expect(triples(await at('pr'))).toEqual(['bc h1/d1 ana/ref new', 'bc h1/d1 lee/m1 new']);
    // No dataset association merged: nothing at all.
    await repo.git('checkout', '-q', 'main');
    await rm(join(repo.registry, 'benchmarks/bc/datasets'), { recursive: true });
    await repo.commit('drop the dataset association', T0 + 30);
    expect((await at('main')).jobs).toEqual([]);
  });

  it('a current result means no job; each recorded field that differs makes the job stale, and says which', async () => {
    const repo = await baseRepo();
    const prep = cube('ana/prep');
    const metrics = cube('ana/metrics');
    const models = ['lee/m1', 'lee/m2', 'lee/m3', 'lee/m4', 'lee/m5', 'lee/m6', 'lee/m7'];
    const uid = sha('h1/d1/uid');
    await repo.put(dataset('h1/d1', uid), datasetAssociation('bc', 'h1/d1'));
    for (const m of models) await repo.put(cube(m), modelAssociation('bc', m));
    const cur = (m: string) => [
      usage('preparator', prep),
      usage('model', cube(m)),
      usage('metrics', metrics),
    ];
    const edited = (m: string, role: CubeUsage['role'], key: keyof CubeUsage['hashes']) =>
      cur(m).map((u) => (u.role === role ? { ...u, hashes: { ...u.hashes, [key]: sha(`old ${key}`) } } : u));
    await repo.put(
      result('bc', 'h1/d1', 'ana/ref', cur('ana/ref'), uid), // current
      result('bc', 'h1/d1', 'lee/m1', cur('lee/m1'), uid), // current
      result('bc', 'h1/d1', 'lee/m2', edited('lee/m2', 'model', 'image'), uid), // model image digest
      result('bc', 'h1/d1', 'lee/m3', edited('lee/m3', 'preparator', 'manifest'), uid),
      result('bc', 'h1/d1', 'lee/m4', edited('lee/m4', 'metrics', 'parameters'), uid),
      result('bc', 'h1/d1', 'lee/m5', cur('lee/m5'), sha('older data')), // dataset generatedUid
      result(
        'bc',
        'h1/d1',
        'lee/m6',
        cur('lee/m6').map((u) => (u.role === 'metrics' ? { ...u, ref: 'ana/old-metrics' } : u)),
        uid,
      ),
      // A hash the registry no longer lists (the model's image digest was dropped from the cube) is a change too.
      result('bc', 'h1/d1', 'lee/m7', edited('lee/m7', 'model', 'additionalFiles'), uid),
    );
    await repo.commit('results', T0 + 10);
    const plan = await planDir(repo);
    const byModel = Object.fromEntries(plan.jobs.map((j) => [j.model, j]));
    expect(Object.keys(byModel).sort()).toEqual(['lee/m2', 'lee/m3', 'lee/m4', 'lee/m5', 'lee/m6', 'lee/m7']);
    expect(plan.jobs.every((j) => j.reason === 'stale')).toBe(true);
    expect(byModel['lee/m2'].changed).toEqual(['model image']);
    expect(byModel['lee/m3'].changed).toEqual(['preparator manifest']);
    expect(byModel['lee/m4'].changed).toEqual(['metrics parameters']);
    expect(byModel['lee/m5'].changed).toEqual(['dataset generatedUid']);
    expect(byModel['lee/m6'].changed).toEqual(['metrics ana/old-metrics → ana/metrics']);
    expect(byModel['lee/m7'].changed).toEqual(['model additionalFiles']);
    expect(plan.warnings).toEqual([]);

    // The registry moves on: a new image digest for lee/m1 makes its current result stale.
    await repo.put(cube('lee/m1', { image: sha('new image') }));
    await repo.commit('new image', T0 + 20);
    const after = await planDir(repo);
    expect(after.jobs.find((j) => j.model === 'lee/m1')).toMatchObject({
      reason: 'stale',
      changed: ['model image'],
    });
  });

  it('a result written in another valid layout (key order, quotes, comments) is read the same', async () => {
    const repo = await baseRepo();
    const uid = sha('h1/d1/uid');
    await repo.put(dataset('h1/d1', uid), datasetAssociation('bc', 'h1/d1'));
    const cubes = [
      usage('preparator', cube('ana/prep')),
      usage('model', cube('ana/ref')),
      usage('metrics', cube('ana/metrics')),
    ];
    const path = 'benchmarks/bc/results/h1/d1/ana.ref.yaml';
    const hashes = (u: CubeUsage) =>
      `{ image: "${u.hashes.image}", parameters: '${u.hashes.parameters}', manifest: ${u.hashes.manifest} }`;
    await repo.write({
      [path]: `# written by hand
apiVersion: gitperf/v1
kind: Result
metadata: { name: ana.ref, owner: h1 }
spec:
  execution:
    dataset: { generatedUid: "${uid}" }
    cubes:
    - ref: ana/metrics   # order differs too
      role: metrics
      hashes: ${hashes(cubes[2])}
    - { role: model, ref: ana/ref, hashes: ${hashes(cubes[1])} }
    - role: preparator
      ref: ana/prep
      hashes: ${hashes(cubes[0])}
    runner: podman
    startedAt: 2026-11-23T10:00:00Z
    finishedAt: 2026-11-23T10:00:42Z
    gitperfVersion: 0.1.0
  benchmark: bc
  model: ana/ref
  dataset: h1/d1
  metrics: { auc: 0.8 }
  partial: false
`,
    });
    await repo.commit('hand-written result', T0 + 10);
    const plan = await planDir(repo);
    expect(plan.warnings).toEqual([]);
    expect(plan.jobs).toEqual([]);
  });
});

describe('gitperf plan: runners, order, filters', () => {
  async function twoHospitals(): Promise<RegistryRepo> {
    const repo = await baseRepo();
    await repo.put(
      dataset('h1/d1'),
      dataset('h1/d2'),
      dataset('h2/d1'),
      dataset('h3/d9'),
      runner('h1/zeta', ['self-hosted', 'gitperf-h1-zeta'], ['h1/d1']),
      runner('h1/alpha', ['self-hosted', 'gitperf-h1-alpha'], ['h1/d1', 'h1/d2']),
      runner('h2/r', ['self-hosted', 'gitperf-h2'], ['h2/d1']),
    );
    await repo.put(datasetAssociation('bc', 'h2/d1'));
    await repo.commit('h2 joins', T0 + 10);
    await repo.put(
      datasetAssociation('bc', 'h1/d1'),
      datasetAssociation('bc', 'h1/d2'),
      datasetAssociation('bc', 'h3/d9'),
    );
    await repo.commit('h1 and h3 join', T0 + 20);
    await repo.put(cube('lee/late'), modelAssociation('bc', 'lee/late', 5));
    await repo.commit('late model, high priority', T0 + 40);
    await repo.put(
      cube('kim/old'),
      modelAssociation('bc', 'kim/old', 1),
      cube('zed/early'),
      modelAssociation('bc', 'zed/early', 1),
    );
    await repo.commit('two models of priority 1', T0 + 30);
    // Same priority, kim/old is older than zed/early: move zed/early's file to a later commit.
    await repo.git('rm', '-q', 'registry/benchmarks/bc/models/zed.early.yaml');
    await repo.commit('drop zed/early', T0 + 50);
    await repo.put(modelAssociation('bc', 'zed/early', 1));
    await repo.commit('zed/early again', T0 + 60);
    return repo;
  }

  it('each job names the first runner (by ref) serving its dataset and its labels, or none; ordered by priority then age', async () => {
    const repo = await twoHospitals();
    const plan = await planDir(repo);
    const rows = plan.jobs.map((j) => [j.model, j.dataset, j.runner, j.labels.join(' ')]);
    expect(rows).toEqual([
      // reference model first; datasets by association age (h2 joined first), then path
      ['ana/ref', 'h2/d1', 'h2/r', 'self-hosted gitperf-h2'],
      ['ana/ref', 'h1/d1', 'h1/alpha', 'self-hosted gitperf-h1-alpha'],
      ['ana/ref', 'h1/d2', 'h1/alpha', 'self-hosted gitperf-h1-alpha'],
      ['ana/ref', 'h3/d9', null, ''],
      // priority 5
      ['lee/late', 'h2/d1', 'h2/r', 'self-hosted gitperf-h2'],
      ['lee/late', 'h1/d1', 'h1/alpha', 'self-hosted gitperf-h1-alpha'],
      ['lee/late', 'h1/d2', 'h1/alpha', 'self-hosted gitperf-h1-alpha'],
      ['lee/late', 'h3/d9', null, ''],
      // priority 1: kim/old (added at T0+30) before zed/early (re-added at T0+60)
      ['kim/old', 'h2/d1', 'h2/r', 'self-hosted gitperf-h2'],
      ['kim/old', 'h1/d1', 'h1/alpha', 'self-hosted gitperf-h1-alpha'],
      ['kim/old', 'h1/d2', 'h1/alpha', 'self-hosted gitperf-h1-alpha'],
      ['kim/old', 'h3/d9', null, ''],
      ['zed/early', 'h2/d1', 'h2/r', 'self-hosted gitperf-h2'],
      ['zed/early', 'h1/d1', 'h1/alpha', 'self-hosted gitperf-h1-alpha'],
      ['zed/early', 'h1/d2', 'h1/alpha', 'self-hosted gitperf-h1-alpha'],
      ['zed/early', 'h3/d9', null, ''],
    ]);
    expect(plan.jobs.find((j) => j.dataset === 'h1/d1')?.otherRunners).toEqual(['h1/zeta']);
    expect(renderPlanText(plan, 'registry')).toContain('h1/alpha [self-hosted, gitperf-h1-alpha] (+1 more)');
    expect(renderPlanText(plan, 'registry')).toContain('unassigned');
  });

  it('without git the order falls back to paths (documented), still priority first', async () => {
    const repo = await twoHospitals();
    await rm(join(repo.root, '.git'), { recursive: true, force: true });
    const plan = await planDir(repo);
    expect(plan.jobs.map((j) => `${j.model} ${j.dataset}`).slice(0, 6)).toEqual([
      'ana/ref h1/d1',
      'ana/ref h1/d2',
      'ana/ref h2/d1',
      'ana/ref h3/d9',
      'lee/late h1/d1',
      'lee/late h1/d2',
    ]);
    // priority 1, no ages: by association path (kim before zed)
    expect(plan.jobs.slice(8).map((j) => j.model)).toEqual([
      ...Array(4).fill('kim/old'),
      ...Array(4).fill('zed/early'),
    ]);
  });

  it('filters: --runner (assigned to it), --dataset, --benchmark, --mine; the scoped folder read gives the same', async () => {
    const repo = await twoHospitals();
    await repo.put(benchmark('other'), datasetAssociation('other', 'h1/d1'));
    await repo.commit('another benchmark', T0 + 70);
    for (const scoped of [false, true]) {
      const zeta = await planDir(repo, { runner: 'h1/zeta' }, scoped);
      expect(new Set(zeta.jobs.map((j) => `${j.dataset} ${j.runner} ${j.labels.join(',')}`))).toEqual(
        new Set(['h1/d1 h1/zeta self-hosted,gitperf-h1-zeta']),
      );
      expect(zeta.jobs).toHaveLength(5); // 4 models of bc + the reference model of `other`
      const d2 = await planDir(repo, { dataset: 'h1/d2' }, scoped);
      expect(new Set(d2.jobs.map((j) => j.dataset))).toEqual(new Set(['h1/d2']));
      const bare = await planDir(repo, { dataset: 'd1' }, scoped);
      expect(new Set(bare.jobs.map((j) => j.dataset))).toEqual(new Set(['h1/d1', 'h2/d1']));
      const other = await planDir(repo, { benchmark: 'other' }, scoped);
      expect(triples(other)).toEqual(['other h1/d1 ana/ref new']);
      const mine = await planDir(repo, { datasetOwner: 'h1' }, scoped);
      expect(new Set(mine.jobs.map((j) => j.dataset))).toEqual(new Set(['h1/d1', 'h1/d2']));
      expect(mine.jobs).toHaveLength(9);
    }
  });
});

describe('gitperf plan: outputs and bad input', () => {
  it('a GitHub matrix never exceeds 256 jobs: 600 jobs give 256 + 256 + 88; an empty plan says so', async () => {
    const repo = await baseRepo();
    const datasets = Array.from({ length: 20 }, (_, i) => `h${i}/d`);
    for (const d of datasets)
      await repo.put(
        dataset(d),
        datasetAssociation('bc', d),
        runner(`${d.split('/')[0]}/r`, ['self-hosted', `gitperf-${d.split('/')[0]}`], [d]),
      );
    for (let m = 1; m < 30; m++) await repo.put(cube(`lee/m${m}`), modelAssociation('bc', `lee/m${m}`));
    await repo.commit('600 jobs', T0 + 10);
    const plan = await planDir(repo);
    expect(plan.jobs).toHaveLength(600);
    const matrix = githubMatrix(plan);
    expect(matrix.empty).toBe(false);
    expect(matrix.count).toBe(600);
    expect(matrix.chunks.map((c) => c.include.length)).toEqual([256, 256, 88]);
    const ids = matrix.chunks.flatMap((c) => c.include.map((j) => j.id));
    expect(new Set(ids).size).toBe(600);
    expect(ids).toEqual(plan.jobs.map((j) => j.id)); // plan order kept across chunks

    const none = githubMatrix(await planDir(repo, { benchmark: 'nope' }));
    expect(none).toEqual({ empty: true, count: 0, unassigned: 0, chunks: [] });
  });

  it('unassigned jobs stay in the plan but not in the matrix (no runner can take them)', async () => {
    const repo = await baseRepo();
    await repo.put(dataset('h1/d1'), datasetAssociation('bc', 'h1/d1'));
    await repo.commit('no runner', T0 + 10);
    const plan = await planDir(repo);
    expect(plan.jobs.map((j) => j.runner)).toEqual([null]);
    expect(githubMatrix(plan)).toEqual({ empty: true, count: 0, unassigned: 1, chunks: [] });
  });

  it('broken files are planned around and named: a broken result, model association, dataset', async () => {
    const repo = await baseRepo();
    await repo.put(
      dataset('h1/d1'),
      datasetAssociation('bc', 'h1/d1'),
      dataset('h2/d1'),
      datasetAssociation('bc', 'h2/d1'),
    );
    await repo.put(
      cube('lee/m1'),
      modelAssociation('bc', 'lee/m1'),
      cube('lee/m2'),
      modelAssociation('bc', 'lee/m2'),
    );
    await repo.commit('ok', T0 + 10);
    await repo.write({
      'benchmarks/bc/results/h1/d1/lee.m1.yaml': 'apiVersion: gitperf/v1\nkind: Result\nspec: [unclosed\n',
      'benchmarks/bc/models/lee.m2.yaml':
        'apiVersion: gitperf/v1\nkind: ModelAssociation\nmetadata:\n  name: lee.m2\n',
      'datasets/h2/d1.yaml': 'kind: Dataset\n',
    });
    await repo.commit('broken', T0 + 20);
    const plan = await planDir(repo);
    // h2/d1's dataset is broken (no jobs), lee/m2's association is broken (no jobs), lee/m1 on h1/d1
    // has a broken result (left out rather than run on a guess).
    expect(triples(plan)).toEqual(['bc h1/d1 ana/ref new']);
    const files = [...new Set(plan.warnings.map((w) => w.file))].sort();
    expect(files).toEqual([
      'registry/benchmarks/bc/models/lee.m2.yaml',
      'registry/benchmarks/bc/results/h1/d1/lee.m1.yaml',
      'registry/datasets/h2/d1.yaml',
    ]);
    expect(plan.warnings.every((w) => w.severity === 'warning' && /planned around/.test(w.message))).toBe(
      true,
    );
    expect(planJson(plan).warnings.length).toBe(plan.warnings.length);
  });

  it('a missing cube or an invalid dataset is a warning, not a failure', async () => {
    const repo = await baseRepo();
    await repo.put(
      dataset('h1/d1', undefined, false),
      datasetAssociation('bc', 'h1/d1'),
      dataset('h2/d1'),
      datasetAssociation('bc', 'h2/d1'),
    );
    await repo.put(modelAssociation('bc', 'lee/ghost'));
    await repo.commit('ghost model, invalid dataset', T0 + 10);
    const plan = await planDir(repo);
    expect(triples(plan)).toEqual(['bc h2/d1 ana/ref new']);
    expect(plan.warnings.map((w) => w.code).sort()).toEqual(['plan.dataset-invalid', 'plan.missing-entity']);
  });
});

describe('gitperf plan (the command)', () => {
  it('--json has exactly the documented shape; ids are stable across runs; github-matrix and text', async () => {
    const repo = await baseRepo();
    await repo.put(
      dataset('h1/d1'),
      datasetAssociation('bc', 'h1/d1'),
      runner('h1/r', ['self-hosted', 'gitperf-h1'], ['h1/d1']),
    );
    await repo.put(cube('lee/m1'), modelAssociation('bc', 'lee/m1'));
    await repo.commit('jobs', T0 + 10);
    const first = await runCli(['plan', '--dir', 'registry', '--json'], { cwd: repo.root });
    expect(first.exitCode).toBe(0);
    const json = JSON.parse(first.stdout);
    expect(Object.keys(json).sort()).toEqual(['jobs', 'warnings']);
    expect(json.jobs).toEqual([
      {
        id: jobId('bc', 'h1/d1', 'ana/ref'),
        benchmark: 'bc',
        dataset: 'h1/d1',
        model: 'ana/ref',
        reason: 'new',
        runner: 'h1/r',
        labels: ['self-hosted', 'gitperf-h1'],
      },
      {
        id: jobId('bc', 'h1/d1', 'lee/m1'),
        benchmark: 'bc',
        dataset: 'h1/d1',
        model: 'lee/m1',
        reason: 'new',
        runner: 'h1/r',
        labels: ['self-hosted', 'gitperf-h1'],
      },
    ]);
    expect(json.jobs[0].id).toMatch(/^[0-9a-f]{16}$/);
    // Another job appears: the existing ones keep their ids.
    await repo.put(cube('kim/m2'), modelAssociation('bc', 'kim/m2'));
    await repo.commit('one more', T0 + 20);
    const second = JSON.parse(
      (await runCli(['plan', '--dir', 'registry', '--json'], { cwd: repo.root })).stdout,
    );
    expect(second.jobs.filter((j: { model: string }) => j.model !== 'kim/m2')).toEqual(json.jobs);

    const matrix = await runCli(
      ['plan', '--dir', 'registry', '--format', 'github-matrix', '--output-name', 'matrix'],
      {
        cwd: repo.root,
      },
    );
    expect(matrix.exitCode).toBe(0);
    expect(matrix.stdout).toMatch(/^matrix=\{.*\}$/);
    const parsed = JSON.parse(matrix.stdout.slice('matrix='.length));
    expect(parsed.chunks[0].include.map((j: { id: string }) => j.id)).toEqual(
      second.jobs.map((j: { id: string }) => j.id),
    );

    const text = await runCli(['plan', '--dir', 'registry'], { cwd: repo.root });
    expect(text.stdout).toContain('registry: 3 job(s): 3 new, 0 stale; 0 unassigned');

    const empty = await runCli(
      ['plan', '--dir', 'registry', '--benchmark', 'none', '--format', 'github-matrix'],
      {
        cwd: repo.root,
      },
    );
    expect(JSON.parse(empty.stdout)).toEqual({ empty: true, count: 0, unassigned: 0, chunks: [] });
  });

  it('broken files go to stderr as warnings; an unknown runner is a usage error', async () => {
    const repo = await baseRepo();
    await repo.put(dataset('h1/d1'), datasetAssociation('bc', 'h1/d1'));
    await repo.write({ 'benchmarks/bc/models/lee.m2.yaml': 'kind: [\n' });
    await repo.commit('broken', T0 + 10);
    const r = await runCli(['plan', '--dir', 'registry'], { cwd: repo.root });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/registry\/benchmarks\/bc\/models\/lee\.m2\.yaml.*planned around/);
    expect(r.stdout).toContain('1 job(s)');
    const j = JSON.parse((await runCli(['plan', '--dir', 'registry', '--json'], { cwd: repo.root })).stdout);
    expect(j.warnings[0].file).toBe('registry/benchmarks/bc/models/lee.m2.yaml');
    const bad = await runCli(['plan', '--dir', 'registry', '--runner', 'h1/none'], { cwd: repo.root });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('plan.runner-not-found');
  });

  it('through a local profile it plans the default branch (merged state); --mine is the profile user', async () => {
    const repo = await baseRepo();
    await repo.put(
      dataset('h1/d1'),
      datasetAssociation('bc', 'h1/d1'),
      dataset('h2/d1'),
      datasetAssociation('bc', 'h2/d1'),
    );
    await repo.commit('associations', T0 + 10);
    const bare = join(repo.root, '..', `${repo.root.split('/').pop()}.git`);
    await execa('git', ['clone', '-q', '--bare', repo.root, bare]);
    const home = join(repo.root, 'home');
    await createProfile('h1', { forge: 'local', registry: bare, user: 'h1' }, { home });
    // A later commit on the checkout only (not in the bare main): not planned.
    await repo.put(cube('lee/m1'), modelAssociation('bc', 'lee/m1'));
    await repo.commit('unmerged', T0 + 20);
    try {
      const r = await runCli(['plan', '--mine', '--json'], { cwd: home, env: { GITPERF_HOME: home } });
      expect(r.stderr).toBe('');
      expect(
        JSON.parse(r.stdout).jobs.map((j: { dataset: string; model: string }) => `${j.dataset} ${j.model}`),
      ).toEqual(['h1/d1 ana/ref']);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('the registry folder text is untouched by planning', async () => {
    const repo = await baseRepo();
    const before = await readFile(join(repo.registry, 'benchmarks/bc/benchmark.yaml'), 'utf8');
    await planDir(repo);
    expect(await readFile(join(repo.registry, 'benchmarks/bc/benchmark.yaml'), 'utf8')).toBe(before);
    await writeFile(join(repo.registry, 'README.md'), 'notes\n');
    expect((await planDir(repo)).warnings).toEqual([]);
  });
});
