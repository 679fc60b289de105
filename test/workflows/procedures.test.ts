// The MedPerf procedures on the real demo cubes with the local runner: real registry entities (file:// URLs,
// true hashes), real preparation, inference and evaluation, real folder hashes.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as validators from '../../cli/src/registry/validators.generated.js';
import { runBenchmark } from '../../cli/src/workflows/benchmark-run.js';
import { runCompatibilityTest } from '../../cli/src/workflows/compatibility-test.js';
import { cubeAccess } from '../../cli/src/workflows/cube-access.js';
import type { CubeExecution } from '../../cli/src/workflows/execution.js';
import { folderHash } from '../../cli/src/workflows/folder-hash.js';
import { type Layout, layout } from '../../cli/src/workflows/layout.js';
import {
  loadPreparedDataset,
  prepareDataset,
  READY_MARKER,
} from '../../cli/src/workflows/prepare-dataset.js';
import { loadBenchmark } from '../../cli/src/workflows/registry-access.js';
import { cubeFolder, demoTarball, makeTestRegistry, site, type TestRegistry } from './fixtures.js';

const MEDPERF_PY = `
import hashlib, os, sys
hs = []
for p in sys.argv[1:]:
    for root, _, files in os.walk(p, topdown=False):
        for f in files:
            hs.append(hashlib.sha256(open(os.path.join(root, f), 'rb').read()).hexdigest())
s = hashlib.sha256()
for h in sorted(hs): s.update(h.encode())
print('sha256:' + s.hexdigest())
`;
const medperfHash = (...p: string[]) =>
  execFileSync('python3', ['-c', MEDPERF_PY, ...p])
    .toString()
    .trim();

// biome-ignore lint/suspicious/noExplicitAny: the generated ajv validators are untyped JavaScript
const validate = validators as any;
const exists = async (p: string) => Boolean(await stat(p).catch(() => undefined));

let reg: TestRegistry;
let lay: Layout;
let exec: CubeExecution;

beforeAll(async () => {
  reg = await makeTestRegistry();
  lay = layout(reg.home);
  exec = cubeAccess({ runner: 'local', layout: lay, registryDir: reg.registryDir });
});
afterAll(async () => {
  await reg.cleanup();
});

describe('dataset preparation', () => {
  it('gives the statistics task no writable folder that holds the prepared data', async () => {
    const outputs: Record<string, string> = {};
    const recording: CubeExecution = {
      ...exec,
      run: (cube, task, params, o) => {
        if (task === 'statistics') outputs.statistics = params.output_path;
        return exec.run(cube, task, params, o);
      },
    };
    const b = site('b');
    const ds = await prepareDataset(
      {
        preparator: 'ana/bc-prep',
        data: b.data,
        labels: b.labels,
        name: 'wdbc-b-stats',
        owner: 'hospital-b',
      },
      { exec: recording, layout: lay },
    );
    // An output file mounts its parent folder read-write: that folder must not contain data/ or labels/.
    const writable = dirname(outputs.statistics);
    for (const p of [ds.dataPath, ds.labelsPath]) expect(relative(writable, p).startsWith('..')).toBe(true);
    expect(await exists(join(ds.dir, 'statistics.yaml'))).toBe(true);
    expect(await exists(join(ds.dir, '.statistics'))).toBe(false);
  });

  it('prepares a site with the registered preparator, MedPerf hashes and a schema-valid Dataset entity', async () => {
    const a = site('a');
    const ds = await prepareDataset(
      { preparator: 'ana/bc-prep', data: a.data, labels: a.labels, name: 'wdbc-a', owner: 'hospital-a' },
      { exec, layout: lay },
    );
    expect(ds.reused).toBe(false);
    expect(ds.dir).toBe(join(reg.home, 'datasets', 'wdbc-a'));
    expect(validate.Dataset(ds.entity)).toBe(true);
    expect(ds.entity.metadata).toEqual({ name: 'wdbc-a', owner: 'hospital-a' });
    expect(ds.entity.spec.preparator).toBe('ana/bc-prep');
    // inputDataHash and generatedUid as MedPerf's own Python computes them.
    expect(ds.entity.spec.inputDataHash).toBe(medperfHash(a.data, a.labels));
    expect(ds.entity.spec.generatedUid).toBe(medperfHash(ds.dataPath, ds.labelsPath));
    expect(ds.entity.spec.generatedUid).not.toBe(ds.entity.spec.inputDataHash);
    // statistics.yaml is the entity's statistics; the site has 130 records.
    const stats = parse(await readFile(join(ds.dir, 'statistics.yaml'), 'utf8'));
    expect(ds.entity.spec.statistics).toEqual(stats);
    expect(stats.num_samples).toBe(130);
    expect(parse(await readFile(join(ds.dir, 'dataset.yaml'), 'utf8'))).toEqual(ds.entity);
    expect(await exists(join(ds.dir, READY_MARKER))).toBe(true);
    // The preparator's hashes are the registered ones.
    const registered = parse(await readFile(join(reg.registryDir, 'mlcubes/ana/bc-prep.yaml'), 'utf8'));
    expect(ds.preparation.preparator.hashes.manifest).toBe(registered.spec.manifest.sha256);

    // Same inputs: reused. --force: prepared again, to the same bytes.
    const again = await prepareDataset(
      { preparator: 'ana/bc-prep', data: a.data, labels: a.labels, name: 'wdbc-a', owner: 'hospital-a' },
      { exec, layout: lay },
    );
    expect(again.reused).toBe(true);
    const forced = await prepareDataset(
      {
        preparator: 'ana/bc-prep',
        data: a.data,
        labels: a.labels,
        name: 'wdbc-a',
        owner: 'hospital-a',
        force: true,
      },
      { exec, layout: lay },
    );
    expect(forced.reused).toBe(false);
    expect(forced.entity.spec.generatedUid).toBe(ds.entity.spec.generatedUid);
    // Prepared bytes edited after preparation: not reused, prepared again from the raw data.
    await writeFile(join(forced.labelsPath, 'labels.csv'), 'id,label\n');
    const repaired = await prepareDataset(
      { preparator: 'ana/bc-prep', data: a.data, labels: a.labels, name: 'wdbc-a', owner: 'hospital-a' },
      { exec, layout: lay },
    );
    expect(repaired.reused).toBe(false);
    expect(repaired.entity.spec.generatedUid).toBe(ds.entity.spec.generatedUid);
    // Other data under the same name is refused rather than overwritten.
    const b = site('b');
    await expect(
      prepareDataset(
        { preparator: 'ana/bc-prep', data: b.data, labels: b.labels, name: 'wdbc-a', owner: 'hospital-a' },
        { exec, layout: lay },
      ),
    ).rejects.toMatchObject({ diagnostic: { code: 'dataset.exists' } });
  }, 240_000);

  it('never leaves a dataset marked ready after a failed or interrupted preparation', async () => {
    // A crashed earlier run left a staging folder, even with a marker in it: it is discarded, never adopted.
    const leftover = join(lay.datasets, '.staging', 'wdbc-c.staging-crashed');
    await mkdir(join(leftover, 'data'), { recursive: true });
    await writeFile(join(leftover, 'data', 'data.csv'), 'id\n');
    await writeFile(join(leftover, READY_MARKER), 'x\n');

    // A preparator whose sanity check rejects site C (no missing value allowed): a real failing task.
    const strict = join(reg.root, 'strict-prep');
    await cp(cubeFolder('prep'), strict, { recursive: true });
    const pfile = join(strict, 'workspace', 'parameters.yaml');
    await writeFile(
      pfile,
      (await readFile(pfile, 'utf8')).replace(/max_missing_fraction: .*/, 'max_missing_fraction: 0'),
    );
    const c = site('c');
    await expect(
      prepareDataset(
        { preparator: strict, data: c.data, labels: c.labels, name: 'wdbc-c', owner: 'hospital-c' },
        { exec, layout: lay },
      ),
    ).rejects.toMatchObject({ diagnostic: { code: 'dataset.sanity-check-failed' } });
    expect(await exists(lay.dataset('wdbc-c'))).toBe(false);
    expect(await readdir(join(lay.datasets, '.staging'))).toEqual([]);
    await expect(loadPreparedDataset('wdbc-c', lay)).rejects.toMatchObject({
      diagnostic: { code: 'dataset.not-prepared' },
    });

    // The same data with the real preparator then prepares cleanly.
    const ok = await prepareDataset(
      { preparator: 'ana/bc-prep', data: c.data, labels: c.labels, name: 'wdbc-c', owner: 'hospital-c' },
      { exec, layout: lay },
    );
    expect(ok.entity.spec.statistics.missing_values).toBe(3);
    expect(await exists(join(ok.dir, READY_MARKER))).toBe(true);
  }, 240_000);
});

describe('benchmark run', () => {
  it('runs the three models at site C: two results, and a partial one for the stump with --ignore-model-errors', async () => {
    const bench = await loadBenchmark('bc-diagnosis', reg.registryDir);
    expect(bench.models).toEqual(['ana/bc-logreg', 'lee/bc-centroid', 'kim/bc-stump']);
    await prepareDataset(
      {
        preparator: 'ana/bc-prep',
        ...{ data: site('c').data, labels: site('c').labels },
        name: 'wdbc-c',
        owner: 'hospital-c',
      },
      { exec, layout: lay },
    );
    const run = await runBenchmark(
      { benchmark: bench, dataset: 'wdbc-c', models: bench.models, ignoreModelErrors: true },
      { exec, layout: lay },
    );
    expect(run.runs.map((r) => [r.model, r.status])).toEqual([
      ['ana/bc-logreg', 'ok'],
      ['lee/bc-centroid', 'ok'],
      ['kim/bc-stump', 'partial'],
    ]);
    const ds = await loadPreparedDataset('wdbc-c', lay);
    for (const r of run.runs) {
      const file = join(
        reg.home,
        'results/bc-diagnosis/hospital-c/wdbc-c',
        `${r.model.replace('/', '.')}.yaml`,
      );
      expect(r.resultFile).toBe(file);
      const onDisk = parse(await readFile(file, 'utf8'));
      expect(validate.Result(JSON.parse(JSON.stringify(onDisk, (_k, v) => (Number.isNaN(v) ? 0 : v))))).toBe(
        true,
      );
      expect(onDisk.metadata).toEqual({ name: r.model.replace('/', '.'), owner: 'hospital-c' });
      expect(onDisk.spec.dataset).toBe('hospital-c/wdbc-c');
      expect(onDisk.spec.execution.dataset.generatedUid).toBe(ds.entity.spec.generatedUid);
      expect(
        onDisk.spec.execution.cubes.map((u: { role: string; ref: string }) => `${u.role}:${u.ref}`),
      ).toEqual(['preparator:ana/bc-prep', `model:${r.model}`, 'metrics:ana/bc-metrics']);
      expect(await exists(join(reg.home, 'predictions', r.model.replace('/', '.'), 'wdbc-c'))).toBe(true);
    }
    const [logreg, , stump] = run.runs;
    expect(logreg.result?.spec.partial).toBe(false);
    expect(logreg.result?.spec.metrics?.auc).toBeGreaterThan(0.9);
    expect(stump.result?.spec.partial).toBe(true);
    expect(Number.isNaN(stump.result?.spec.metrics?.auc)).toBe(true);
    expect(stump.diagnostics[0].code).toBe('model.infer-failed');
    // The registered logreg cube ran with its additional files and its registered code, hashes recorded as registered.
    const registered = parse(await readFile(join(reg.registryDir, 'mlcubes/ana/bc-logreg.yaml'), 'utf8'));
    expect(logreg.result?.spec.execution.cubes[1].hashes).toEqual({
      manifest: registered.spec.manifest.sha256,
      parameters: registered.spec.parameters.sha256,
      additionalFiles: registered.spec.additionalFiles.sha256,
      code: registered.spec.code.sha256,
    });
    expect(run.cubeSeconds).toBeGreaterThan(0);

    // Again: every result is kept (same cubes, same data); a model named twice runs once.
    const cached = await runBenchmark(
      {
        benchmark: bench,
        dataset: 'wdbc-c',
        models: [...bench.models, 'ana/bc-logreg'],
        ignoreModelErrors: true,
      },
      { exec, layout: lay },
    );
    expect(cached.runs.map((r) => r.status)).toEqual(['cached', 'cached', 'cached']);

    // Without --ignore-model-errors the failing model stops the run: later models are skipped.
    const stopped = await runBenchmark(
      { benchmark: bench, dataset: 'wdbc-c', models: ['kim/bc-stump', 'lee/bc-centroid'], noCache: true },
      { exec, layout: lay },
    );
    expect(stopped.runs.map((r) => r.status)).toEqual(['failed', 'skipped']);
    expect(stopped.hadFailures).toBe(true);
  }, 240_000);

  it('refuses a prepared dataset whose bytes changed since preparation', async () => {
    const b = site('b');
    const ds = await prepareDataset(
      { preparator: 'ana/bc-prep', data: b.data, labels: b.labels, name: 'wdbc-b', owner: 'hospital-b' },
      { exec, layout: lay },
    );
    await writeFile(join(ds.labelsPath, 'labels.csv'), 'id,label\n');
    const bench = await loadBenchmark('bc-diagnosis', reg.registryDir);
    await expect(
      runBenchmark({ benchmark: bench, dataset: 'wdbc-b', models: ['ana/bc-logreg'] }, { exec, layout: lay }),
    ).rejects.toMatchObject({ diagnostic: { code: 'dataset.modified' } });
    await rm(ds.dir, { recursive: true, force: true });
  }, 240_000);
});

describe('compatibility test', () => {
  it("runs a model on the benchmark's demo tarball and reports the association record, cached by its inputs", async () => {
    const bench = await loadBenchmark('bc-diagnosis', reg.registryDir);
    const input = {
      preparator: bench.preparator,
      model: 'lee/bc-centroid',
      metrics: bench.metrics,
      data: { kind: 'demo' as const, ...bench.demoDataset },
    };
    const r = await runCompatibilityTest(input, { exec, layout: lay });
    expect(r.cached).toBe(false);
    const assoc = {
      apiVersion: 'gitperf/v1',
      kind: 'ModelAssociation',
      metadata: { name: 'lee.bc-centroid', owner: 'lee' },
      spec: { benchmark: 'bc-diagnosis', model: 'lee/bc-centroid', priority: 0, compatibilityTest: r.record },
    };
    expect(validate.ModelAssociation(assoc)).toBe(true);
    expect(r.record.runner).toBe('local');
    expect(r.record.dataset.source).toBe('demo');
    expect(r.record.cubes.map((c) => `${c.role}:${c.ref}`)).toEqual([
      'preparator:ana/bc-prep',
      'model:lee/bc-centroid',
      'metrics:ana/bc-metrics',
    ]);
    expect(Object.keys(r.record.metrics).sort()).toEqual(
      ['accuracy', 'auc', 'coverage', 'f1', 'sensitivity', 'specificity'].sort(),
    );
    // The recorded generatedUid is the MedPerf hash of the prepared demo data kept with the report.
    const testDir = join(r.reportFile, '..');
    expect(r.record.dataset.generatedUid).toBe(
      (await folderHash([join(testDir, 'dataset/data'), join(testDir, 'dataset/labels')])).hash,
    );
    expect(parse(await readFile(r.reportFile, 'utf8'))).toEqual(r.record);
    // The fixture's benchmark records a placeholder generatedUid: the difference is reported, not hidden.
    expect(r.diagnostics.map((d) => d.code)).toEqual(['test.demo-uid-mismatch']);

    const again = await runCompatibilityTest(input, { exec, layout: lay });
    expect(again.cached).toBe(true);
    expect(again.record).toEqual(r.record);
    expect(again.diagnostics).toEqual(r.diagnostics);
    const fresh = await runCompatibilityTest({ ...input, noCache: true }, { exec, layout: lay });
    expect(fresh.cached).toBe(false);
    expect(fresh.record.metrics).toEqual(r.record.metrics);
  }, 240_000);

  it('runs the reference model on a prepared dataset (the dataset association test), checking its preparator', async () => {
    const bench = await loadBenchmark('bc-diagnosis', reg.registryDir);
    const a = site('a');
    const ds = await prepareDataset(
      { preparator: 'ana/bc-prep', data: a.data, labels: a.labels, name: 'wdbc-a', owner: 'hospital-a' },
      { exec, layout: lay },
    );
    const r = await runCompatibilityTest(
      {
        preparator: bench.preparator,
        model: bench.referenceModel,
        metrics: bench.metrics,
        data: { kind: 'prepared', dataset: 'wdbc-a' },
      },
      { exec, layout: lay },
    );
    expect(r.record.dataset).toEqual({ source: 'prepared', generatedUid: ds.entity.spec.generatedUid });
    expect(r.record.cubes.map((c) => c.role)).toEqual(['model', 'metrics']);
    expect(r.record.metrics.auc).toBeGreaterThan(0.9);
    // Another preparator than the one that prepared the data is refused.
    await expect(
      runCompatibilityTest(
        {
          preparator: 'ana/bc-metrics',
          model: bench.referenceModel,
          metrics: bench.metrics,
          data: { kind: 'prepared', dataset: 'wdbc-a' },
        },
        { exec, layout: lay },
      ),
    ).rejects.toMatchObject({ diagnostic: { code: 'benchmark.dataset-preparator-mismatch' } });
  }, 240_000);

  it('refuses a demo tarball that does not match its registered hash before anything runs', async () => {
    const bad = await makeTestRegistry({ demoSha256: `sha256:${'1'.repeat(64)}` });
    try {
      const badLay = layout(bad.home);
      const badExec = cubeAccess({ runner: 'local', layout: badLay, registryDir: bad.registryDir });
      const bench = await loadBenchmark('bc-diagnosis', bad.registryDir);
      await expect(
        runCompatibilityTest(
          {
            preparator: bench.preparator,
            model: bench.referenceModel,
            metrics: bench.metrics,
            data: { kind: 'demo', ...bench.demoDataset },
          },
          { exec: badExec, layout: badLay },
        ),
      ).rejects.toMatchObject({ diagnostic: { code: 'resource.hash-mismatch' } });
      // No task ran: no log was written.
      expect(await exists(badLay.logs)).toBe(false);
      expect(demoTarball).toContain('demo.tar.gz');
    } finally {
      await bad.cleanup();
    }
  }, 240_000);
});

describe('tampered registered cubes', () => {
  it('refuses a preparator or a model whose registered hashes do not match, before any task runs', async () => {
    const t = await makeTestRegistry();
    try {
      // The registry now expects other bytes for two resources (as if the files had been changed after registration).
      const edit = async (rel: string, from: RegExp, to: string) => {
        const f = join(t.registryDir, rel);
        await writeFile(f, (await readFile(f, 'utf8')).replace(from, to));
      };
      await edit(
        'mlcubes/ana/bc-prep.yaml',
        /(parameters:\n\s+url: .*\n\s+sha256: )sha256:\w+/,
        `$1sha256:${'2'.repeat(64)}`,
      );
      await edit(
        'mlcubes/lee/bc-centroid.yaml',
        /(manifest:\n\s+url: .*\n\s+sha256: )sha256:\w+/,
        `$1sha256:${'3'.repeat(64)}`,
      );
      const tLay = layout(t.home);
      const tExec = cubeAccess({ runner: 'local', layout: tLay, registryDir: t.registryDir });
      const c = site('c');
      await expect(
        prepareDataset(
          { preparator: 'ana/bc-prep', data: c.data, labels: c.labels, name: 'x', owner: 'hospital-c' },
          { exec: tExec, layout: tLay },
        ),
      ).rejects.toMatchObject({ diagnostic: { code: 'resource.hash-mismatch' } });
      expect(await exists(tLay.logs)).toBe(false);
      expect(await exists(tLay.dataset('x'))).toBe(false);

      // Prepared instead from the (untouched) cube folder, recorded as local/bc-prep.
      await prepareDataset(
        { preparator: cubeFolder('prep'), data: c.data, labels: c.labels, name: 'x', owner: 'hospital-c' },
        { exec: tExec, layout: tLay },
      );
      const bench = await loadBenchmark('bc-diagnosis', t.registryDir);
      const run = await runBenchmark(
        {
          benchmark: { ...bench, preparator: 'ana/bc-logreg' },
          dataset: 'x',
          models: ['lee/bc-centroid'],
          ignoreModelErrors: true,
        },
        { exec: tExec, layout: tLay },
      ).catch((e) => e);
      // The benchmark's preparator is not what prepared the data: refused before any model runs.
      expect(run.diagnostic?.code).toBe('benchmark.dataset-preparator-mismatch');
      const run2 = await runBenchmark(
        {
          benchmark: { ...bench, preparator: 'local/bc-prep' },
          dataset: 'x',
          models: ['lee/bc-centroid', 'ana/bc-logreg'],
          ignoreModelErrors: true,
        },
        { exec: tExec, layout: tLay },
      );
      expect(run2.runs.map((r) => r.status)).toEqual(['failed', 'ok']);
      expect(run2.runs[0].diagnostics[0].code).toBe('resource.hash-mismatch');
      expect(await exists(join(t.home, 'predictions', 'lee.bc-centroid'))).toBe(false);
    } finally {
      await t.cleanup();
    }
  }, 240_000);
});

describe('a model that hangs', () => {
  it('is stopped by the timeout; with --ignore-model-errors its result is partial and the next model still runs', async () => {
    const hang = join(reg.root, 'hanging-model');
    await cp(cubeFolder('centroid'), hang, { recursive: true });
    await writeFile(join(hang, 'project', 'hang.py'), 'import time\ntime.sleep(60)\n');
    const manifest = join(hang, 'mlcube.yaml');
    await writeFile(
      manifest,
      (await readFile(manifest, 'utf8')).replace('project/mlcube.py', 'project/hang.py'),
    );
    const b = site('b');
    await prepareDataset(
      { preparator: 'ana/bc-prep', data: b.data, labels: b.labels, name: 'wdbc-h', owner: 'hospital-b' },
      { exec, layout: lay },
    );
    const bench = await loadBenchmark('bc-diagnosis', reg.registryDir);
    const run = await runBenchmark(
      {
        benchmark: bench,
        dataset: 'wdbc-h',
        models: [hang, 'lee/bc-centroid'],
        ignoreModelErrors: true,
        timeouts: { infer: 2 },
      },
      { exec, layout: lay },
    );
    expect(run.runs.map((r) => [r.model, r.status])).toEqual([
      ['local/bc-centroid', 'partial'],
      ['lee/bc-centroid', 'ok'],
    ]);
    expect(run.runs[0].diagnostics[0].message).toContain('timed out');
    expect(run.runs[0].result?.spec.metrics?.coverage).toBe(0);
  }, 240_000);
});
