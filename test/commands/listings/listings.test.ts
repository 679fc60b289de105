import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfile } from '../../../cli/src/profile/profile.js';
import { FsFileSource } from '../../../cli/src/registry/file-source.js';
import { loadRegistry } from '../../../cli/src/registry/loader.js';
import { RegistryIndex } from '../../../cli/src/registry/registry-index.js';
import {
  benchmarkDetail,
  benchmarkRows,
  datasetRows,
  mlcubeRows,
  type ResultTable,
  renderResultTable,
  resultTable,
} from '../../../cli/src/submission/listings.js';
import { loadRegistryState } from '../../../cli/src/submission/registry-state.js';
import { makeBareRegistry } from '../../forge/local/helpers.js';
import { repoRoot, runCli } from '../../helpers/cli.js';

const exampleDir = join(repoRoot, 'registry');

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  return out.sort();
}

describe('read-only listings', () => {
  let reg: Awaited<ReturnType<typeof makeBareRegistry>>;
  let home: string;
  let folderIndex: RegistryIndex;
  beforeAll(async () => {
    // The example registry, committed to a local forge repository: listings must read the same from both.
    const files: Record<string, string> = {};
    for (const f of await filesUnder(exampleDir))
      files[`registry/${f}`] = await readFile(join(exampleDir, f), 'utf8');
    reg = await makeBareRegistry(files);
    home = join(reg.dir, 'home');
    await createProfile('ana', { forge: 'local', registry: reg.bare, user: 'ana' }, { home });
    folderIndex = new RegistryIndex((await loadRegistry(new FsFileSource(exampleDir))).entities);
  });
  afterAll(async () => {
    await reg.cleanup();
  });

  it('a local profile reads the merged state from git, the same as the checked-out folder', async () => {
    const prev = process.env.GITPERF_HOME;
    process.env.GITPERF_HOME = home;
    try {
      const st = await loadRegistryState({});
      expect(st.source).toMatch(/registry\.git@main \([0-9a-f]{12}\)$/);
      expect(st.problems).toEqual([]);
      expect(benchmarkRows(st.index)).toEqual(benchmarkRows(folderIndex));
      expect(mlcubeRows(st.index)).toEqual(mlcubeRows(folderIndex));
      expect(datasetRows(st.index)).toEqual(datasetRows(folderIndex));
    } finally {
      if (prev === undefined) delete process.env.GITPERF_HOME;
      else process.env.GITPERF_HOME = prev;
    }
  });

  it('every benchmark lists its associations and every result file is one row', async () => {
    const benches = benchmarkRows(folderIndex);
    expect(benches.length).toBeGreaterThan(0);
    for (const b of benches) {
      const resultFiles = (await filesUnder(join(exampleDir, 'benchmarks', b.name))).filter((f) =>
        f.startsWith('results/'),
      );
      const t = resultTable(folderIndex, b.name);
      expect(t.rows).toHaveLength(resultFiles.length);
      for (const r of t.rows) {
        const [mOwner, mName] = r.model.split('/');
        expect(resultFiles).toContain(`results/${r.dataset}/${mOwner}.${mName}.yaml`);
        // The example's results carry no runner signature: the JSON says so, as the text does.
        expect(r).toMatchObject({ signed: false, signedBy: null });
      }
      const d = benchmarkDetail(folderIndex, b.name);
      const modelFiles = (await filesUnder(join(exampleDir, 'benchmarks', b.name, 'models'))).map((f) =>
        f.replace('.', '/').replace(/\.yaml$/, ''),
      );
      expect(d.models.map((m) => m.model).sort()).toEqual(modelFiles.sort());
    }
  });

  it('renders the per-model per-dataset table with NaN, partial, unsigned, encrypted and missing cells', () => {
    const t: ResultTable = {
      benchmark: 'b',
      primaryMetric: 'auc',
      higherIsBetter: true,
      models: ['kim/stump', 'lee/centroid'],
      datasets: ['h-a/a', 'h-b/b'],
      rows: [
        {
          model: 'kim/stump',
          dataset: 'h-a/a',
          partial: true,
          metrics: { auc: Number.NaN },
          encrypted: false,
          finishedAt: '',
          signed: true,
          signedBy: 'h-a/runner',
        },
        {
          model: 'lee/centroid',
          dataset: 'h-a/a',
          partial: false,
          metrics: { auc: 0.91234 },
          encrypted: false,
          finishedAt: '',
          signed: false,
          signedBy: null,
        },
        {
          model: 'lee/centroid',
          dataset: 'h-b/b',
          partial: false,
          metrics: null,
          encrypted: true,
          finishedAt: '',
          signed: false,
          signedBy: null,
        },
      ],
    };
    expect(renderResultTable(t).split('\n')).toEqual([
      'model \\ dataset (auc, higher is better)  h-a/a              h-b/b',
      'kim/stump                                NaN (partial)      -',
      'lee/centroid                             0.9123 (unsigned)  encrypted (unsigned)',
    ]);
  });

  it('commands print JSON and fail cleanly on unknown names', async () => {
    const env = { GITPERF_HOME: home };
    const list = await runCli(['benchmark', 'list', '--json'], { env });
    expect(list.exitCode).toBe(0);
    expect(JSON.parse(list.stdout).benchmarks).toEqual(
      JSON.parse(JSON.stringify(benchmarkRows(folderIndex))),
    );
    const unknown = await runCli(['result', 'list', '--benchmark', 'nope', '--registry', exampleDir], {
      env,
    });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/registry\.unknown no benchmark "nope"/);
    // --registry means what it means on the commands that run cubes: the repository holding registry/ works too.
    const atRoot = await runCli(['benchmark', 'list', '--registry', repoRoot, '--json'], { env });
    expect(atRoot.exitCode, atRoot.stderr).toBe(0);
    expect(JSON.parse(atRoot.stdout).benchmarks).toEqual(JSON.parse(list.stdout).benchmarks);
  }, 120_000);

  it('a file that does not load is reported, not passed off as a missing entity', async () => {
    const dir = join(reg.dir, 'broken-copy');
    await cp(exampleDir, dir, { recursive: true });
    const cube = (await readdir(join(dir, 'mlcubes', 'ana')))[0];
    const ref = `ana/${cube.replace(/\.yaml$/, '')}`;
    await writeFile(join(dir, 'mlcubes', 'ana', cube), 'apiVersion: gitperf/v1\nkind: MLCube\nspec: [\n');
    const env = { GITPERF_HOME: home };
    const show = await runCli(['mlcube', 'show', ref, '--dir', dir, '--json'], { env });
    expect(show.exitCode).toBe(1);
    expect(JSON.parse(show.stdout).error).toMatchObject({
      code: 'registry.entity-broken',
      file: join(dir, 'mlcubes', 'ana', cube),
      line: 4,
    });
    const list = await runCli(['mlcube', 'list', '--registry', dir], { env });
    expect(list.exitCode).toBe(0);
    expect(list.stdout).not.toContain(ref);
    expect(list.stderr).toMatch(
      /warning registry\.files-skipped 1 file\(s\) of .* did not load and are left out; the first: yaml\.syntax/,
    );
    const json = JSON.parse((await runCli(['mlcube', 'list', '--dir', dir, '--json'], { env })).stdout);
    expect(json.problems.map((p: { code: string }) => p.code)).toEqual(['yaml.syntax']);
  }, 60_000);
});
