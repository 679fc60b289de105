/**
 * The compatibility test (MedPerf's `test run`, medperf.md §7): a preparator, a model and a metrics cube on
 * one data source — the benchmark's demo tarball (fetched, verified, extracted, read through paths.yaml), raw
 * data and labels, or an already prepared local dataset — then prepare, infer and evaluate with model errors
 * not ignored. The report is the CompatibilityTest record the registry's Benchmark, ModelAssociation and
 * DatasetAssociation entities carry. Reports are cached under `tests/<key>/`, the key hashing every input
 * (cube hashes, data identity, runner), so a re-run with the same inputs is free (MedPerf #248).
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { type Diagnostic, fail, warning } from '../diagnostics/diagnostic.js';
import { replaceDir, stagingDir } from '../infra/atomic-write.js';
import { sha256Hex } from '../infra/sha256.js';
import type { CompatibilityTest, CubeUsage } from '../registry/types.generated.js';
import { parseYaml, writeYamlAtomic } from './atomic.js';
import { buildCompatibilityTest } from './entities.js';
import { type CubeExecution, type ReadyCube, usage } from './execution.js';
import { folderHash } from './folder-hash.js';
import { inferAndEvaluate } from './infer-evaluate.js';
import { layout as defaultLayout, type Layout } from './layout.js';
import { assertPreparedBy, loadPreparedDataset, runPreparation } from './prepare-dataset.js';
import { type Progress, silentProgress } from './progress.js';
import { readDemoPaths } from './task-outputs.js';

export type TestData =
  /** A demo tarball; `generatedUid` is the benchmark's recorded one, compared with what preparation gives. */
  | { kind: 'demo'; url: string; sha256: string; generatedUid?: string }
  | { kind: 'raw'; data: string; labels: string }
  | { kind: 'prepared'; dataset: string };

export interface CompatibilityTestInput {
  /** Cube sources: `owner/name` or a cube folder. The preparator is needed unless data is `prepared`. */
  preparator?: string;
  model: string;
  metrics: string;
  data: TestData;
  /** Run again even when a report for the same inputs exists. */
  noCache?: boolean;
  timeouts?: {
    prepare?: number;
    sanity_check?: number;
    statistics?: number;
    infer?: number;
    evaluate?: number;
  };
}

export interface CompatibilityTestReport {
  /** The record, as the association entities store it. */
  record: CompatibilityTest;
  /** `tests/<key>/test_report.yaml`. */
  reportFile: string;
  key: string;
  cached: boolean;
  /** Warnings, e.g. a demo generatedUid different from the benchmark's. */
  diagnostics: Diagnostic[];
}

export interface CompatibilityTestContext {
  exec: CubeExecution;
  layout?: Layout;
  progress?: Progress;
}

export const TEST_REPORT_FILE = 'test_report.yaml';
const INPUTS_FILE = 'inputs.yaml';

export async function runCompatibilityTest(
  input: CompatibilityTestInput,
  ctx: CompatibilityTestContext,
): Promise<CompatibilityTestReport> {
  const lay = ctx.layout ?? defaultLayout();
  const progress = ctx.progress ?? silentProgress;
  const exec = ctx.exec;
  const diagnostics: Diagnostic[] = [];

  // Every cube is resolved and verified before anything runs; a tampered resource stops the test here.
  const needsPrep = input.data.kind !== 'prepared';
  if (needsPrep && !input.preparator)
    fail(
      'test.preparator-missing',
      'testing on demo or raw data needs a data preparator (--benchmark or --preparator)',
    );
  const prep = needsPrep ? await exec.cube(input.preparator as string, 'preparator') : undefined;
  const model = await exec.cube(input.model, 'model');
  const metrics = await exec.cube(input.metrics, 'metrics');

  // Identify the data before running anything, so the cache key covers it.
  let raw: { data: string; labels: string } | undefined;
  let prepared: { dataPath: string; labelsPath: string; generatedUid: string } | undefined;
  let dataIdentity: Record<string, string>;
  if (input.data.kind === 'demo') {
    progress.step('demo dataset');
    const root = await exec.demo({ url: input.data.url, sha256: input.data.sha256 });
    const paths = await readDemoPaths(root);
    progress.done('demo dataset', true, input.data.sha256.slice(0, 19));
    raw = { data: paths.dataPath, labels: paths.labelsPath };
    dataIdentity = { demo: input.data.sha256 };
  } else if (input.data.kind === 'raw') {
    // Relative to the caller's folder, not to the cube workspace.
    raw = { data: resolve(input.data.data), labels: resolve(input.data.labels) };
    for (const folder of [raw.data, raw.labels])
      if (!(await stat(folder).catch(() => undefined))?.isDirectory())
        fail('test.input-missing', `${folder} does not exist or is not a folder`);
    dataIdentity = { raw: (await folderHash([raw.data, raw.labels])).hash };
  } else {
    const ds = await loadPreparedDataset(input.data.dataset, lay);
    const uid = await folderHash([ds.dataPath, ds.labelsPath]);
    if (uid.hash !== ds.entity.spec.generatedUid)
      fail(
        'dataset.modified',
        `the prepared data of ${input.data.dataset} changed since preparation; prepare it again with --force`,
        { file: ds.dir },
      );
    // With a preparator named (the benchmark's), the data must have been prepared by it (MedPerf's check).
    if (input.preparator) await assertPreparedBy(ds, input.preparator, exec, 'this test');
    prepared = { dataPath: ds.dataPath, labelsPath: ds.labelsPath, generatedUid: uid.hash };
    dataIdentity = { prepared: uid.hash };
  }

  const cubes: CubeUsage[] = [
    ...(prep ? [usage('preparator', prep)] : []),
    usage('model', model),
    usage('metrics', metrics),
  ];
  const key = sha256Hex(
    JSON.stringify({ runner: exec.runner, cubes, data: dataIdentity, timeouts: input.timeouts ?? {} }),
  );
  const finalDir = lay.test(key);
  const reportFile = join(finalDir, TEST_REPORT_FILE);
  if (!input.noCache) {
    const cached = await readCachedReport(reportFile);
    if (cached) {
      progress.note(`same inputs as an earlier test; reusing ${reportFile} (pass --no-cache to run again)`);
      // The warnings of the run that produced the report still hold: show them again.
      const earlier = await readInputs(join(finalDir, INPUTS_FILE));
      return { record: cached, reportFile, key, cached: true, diagnostics: earlier?.warnings ?? [] };
    }
  }

  const work = await stagingDir(lay.tests, `.${key.slice(0, 16)}`);
  try {
    if (!prepared) {
      const folders = await runPreparation(
        prep as ReadyCube,
        {
          data: (raw as { data: string }).data,
          labels: (raw as { labels: string }).labels,
          timeouts: input.timeouts,
        },
        join(work, 'dataset'),
        exec,
        progress,
      );
      const uid = await folderHash([folders.dataPath, folders.labelsPath]);
      prepared = { dataPath: folders.dataPath, labelsPath: folders.labelsPath, generatedUid: uid.hash };
      if (input.data.kind === 'demo' && input.data.generatedUid && input.data.generatedUid !== uid.hash)
        diagnostics.push(
          warning(
            'test.demo-uid-mismatch',
            `the prepared demo data hashes to ${uid.hash}, but the benchmark records ${input.data.generatedUid}; the preparator's output differs here`,
          ),
        );
    }
    const ranAt = new Date();
    const out = await inferAndEvaluate(
      {
        model,
        metrics,
        dataPath: prepared.dataPath,
        labelsPath: prepared.labelsPath,
        predictionsDir: join(work, 'predictions'),
        tmpDir: lay.tmp,
        trashDir: lay.trash,
        ignoreModelErrors: false,
        timeouts: input.timeouts,
        logSuffix: `test-${key.slice(0, 12)}`,
      },
      exec,
      progress,
    );
    if (out.status !== 'ok' || !out.metrics) {
      const first = out.diagnostics[0];
      fail(first?.code ?? 'test.failed', `compatibility test failed: ${first?.message ?? 'no metrics'}`, {
        ...(first?.file ? { file: first.file } : {}),
      });
    }
    const record = buildCompatibilityTest({
      ranAt,
      runner: exec.runner,
      source: input.data.kind === 'demo' ? 'demo' : 'prepared',
      generatedUid: prepared.generatedUid,
      cubes,
      metrics: out.metrics,
    });
    await writeYamlAtomic(join(work, INPUTS_FILE), {
      cubes: { preparator: input.preparator ?? null, model: input.model, metrics: input.metrics },
      data: input.data,
      warnings: diagnostics,
    });
    // The report goes last, so a folder without it is an interrupted test and is never reused.
    await writeYamlAtomic(join(work, TEST_REPORT_FILE), record);
    await replaceDir(work, finalDir, lay.trash);
    return { record, reportFile, key, cached: false, diagnostics };
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}

async function readInputs(file: string): Promise<{ warnings?: Diagnostic[] } | undefined> {
  try {
    return parseYaml(await readFile(file, 'utf8')) as { warnings?: Diagnostic[] };
  } catch {
    return undefined;
  }
}

async function readCachedReport(file: string): Promise<CompatibilityTest | undefined> {
  try {
    const test = parseYaml(await readFile(file, 'utf8')) as CompatibilityTest;
    return test && typeof test === 'object' && test.metrics ? test : undefined;
  } catch {
    return undefined;
  }
}
