/**
 * Dataset preparation, MedPerf's way (medperf.md §7): hash the raw data and labels (inputDataHash), run the
 * preparator's `prepare`, `sanity_check` and `statistics` tasks, hash the prepared data and labels
 * (generatedUid), and record the Dataset entity (metadata only) next to the prepared data.
 *
 * Everything is built in a staging folder and moved into `$GITPERF_HOME/datasets/<name>/` with one rename,
 * with the `.ready` marker written last inside it: an interrupted preparation leaves only a staging folder,
 * which the next run removes, and never a half-written dataset that looks ready.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fail } from '../diagnostics/diagnostic.js';
import { replaceDir, stagingDir } from '../infra/atomic-write.js';
import { isName } from '../registry/kinds.js';
import type { CubeUsage, Dataset } from '../registry/types.generated.js';
import { parseYaml, writeYamlAtomic } from './atomic.js';
import { buildDataset, checkEntity } from './entities.js';
import { type CubeExecution, type ReadyCube, usage } from './execution.js';
import { folderHash } from './folder-hash.js';
import { layout as defaultLayout, type Layout } from './layout.js';
import { type Progress, silentProgress } from './progress.js';
import { readStatistics } from './task-outputs.js';

export const READY_MARKER = '.ready';
export const DATASET_FILE = 'dataset.yaml';
export const PREPARATION_FILE = 'preparation.yaml';

export interface PrepareDatasetInput {
  /** Preparator cube: `owner/name` from the registry, or a cube folder. */
  preparator: string;
  /** Raw data and labels folders. */
  data: string;
  labels: string;
  /** Dataset name (the registry's metadata.name; also the local folder name). */
  name: string;
  /** The data owner's login (metadata.owner). */
  owner: string;
  /** The institution holding the data (spec.location). */
  location?: string;
  description?: string;
  /** Prepare again even when a ready dataset from the same inputs exists. */
  force?: boolean;
  timeouts?: { prepare?: number; sanity_check?: number; statistics?: number };
}

/** gitperf's local record of how a dataset was prepared (not a registry entity). */
export interface PreparationRecord {
  name: string;
  preparator: CubeUsage;
  rawDataPath: string;
  rawLabelsPath: string;
  inputDataHash: string;
  generatedUid: string;
  runner: string;
  preparedAt: string;
}

export interface PreparedDataset {
  name: string;
  /** `$GITPERF_HOME/datasets/<name>`. */
  dir: string;
  dataPath: string;
  labelsPath: string;
  entity: Dataset;
  preparation: PreparationRecord;
  /** True when an existing ready dataset from the same inputs and preparator was reused. */
  reused: boolean;
}

export interface PrepareContext {
  exec: CubeExecution;
  layout?: Layout;
  progress?: Progress;
}

async function isDir(folder: string): Promise<boolean> {
  return (await stat(folder).catch(() => undefined))?.isDirectory() ?? false;
}

export async function prepareDataset(
  given: PrepareDatasetInput,
  ctx: PrepareContext,
): Promise<PreparedDataset> {
  // Relative paths are the caller's (the current folder), never the cube workspace's (MLCube's default).
  const input = { ...given, data: resolve(given.data), labels: resolve(given.labels) };
  const lay = ctx.layout ?? defaultLayout();
  const progress = ctx.progress ?? silentProgress;
  if (!isName(input.name))
    fail(
      'dataset.name-invalid',
      `"${input.name}" is not a valid dataset name (lower-case letters, digits, -)`,
    );
  if (!isName(input.owner)) fail('dataset.owner-invalid', `"${input.owner}" is not a valid login`);
  for (const [what, folder] of [
    ['data', input.data],
    ['labels', input.labels],
  ] as const) {
    if (!(await isDir(folder)))
      fail('dataset.input-missing', `the raw ${what} folder ${folder} does not exist or is not a folder`);
  }

  // The preparator is resolved and verified first: a refused cube should not wait for a long hash.
  const prep = await ctx.exec.cube(input.preparator, 'preparator');
  for (const task of ['prepare', 'sanity_check', 'statistics'])
    if (!prep.tasks.includes(task))
      fail(
        'dataset.preparator-invalid',
        `the preparator ${prep.ref} has no \`${task}\` task; is it a data preparator?`,
      );

  progress.step('hashing raw data and labels');
  const inputHash = await folderHash([input.data, input.labels], {
    onProgress: (p) => progress.update(p.bytesTotal ? p.bytesDone / p.bytesTotal : 1),
  });
  progress.done('hashing raw data and labels', true, inputHash.hash.slice(0, 19));

  const finalDir = lay.dataset(input.name);
  const existing = await readReady(finalDir);
  if (existing && !input.force) {
    const same =
      existing.preparation.inputDataHash === inputHash.hash &&
      existing.entity.metadata.owner === input.owner &&
      existing.entity.spec.preparator === prep.ref &&
      JSON.stringify(existing.preparation.preparator.hashes) === JSON.stringify(prep.hashes);
    // Reused only if the prepared bytes are still the ones recorded; otherwise they are prepared again.
    const intact =
      same &&
      (await folderHash([existing.dataPath, existing.labelsPath])).hash === existing.entity.spec.generatedUid;
    if (intact) {
      progress.note(
        `dataset ${input.name} is already prepared from the same data and preparator; reusing it`,
      );
      return { ...existing, reused: true };
    }
    if (!same)
      fail(
        'dataset.exists',
        `a prepared dataset named ${input.name} already exists in ${finalDir}, from other data or another preparator; choose another --name or pass --force to replace it`,
      );
  }

  // Left-overs of interrupted preparations of this name are never reused. (`.` cannot occur in a name, so
  // `wdbc.staging-` never matches the staging folders of `wdbc-a`.)
  const stagingParent = join(lay.datasets, '.staging');
  const prefix = `${input.name}.staging`;
  for (const entry of await readdir(stagingParent).catch(() => [] as string[]))
    if (entry.startsWith(`${prefix}-`))
      await rm(join(stagingParent, entry), { recursive: true, force: true });
  const work = await stagingDir(stagingParent, prefix);
  try {
    const prepared = await runPreparation(prep, input, work, ctx.exec, progress);
    const generated = await folderHash([prepared.dataPath, prepared.labelsPath]);
    const preparation: PreparationRecord = {
      name: input.name,
      preparator: usage('preparator', prep),
      rawDataPath: input.data,
      rawLabelsPath: input.labels,
      inputDataHash: inputHash.hash,
      generatedUid: generated.hash,
      runner: ctx.exec.runner,
      preparedAt: new Date().toISOString(),
    };
    const entity = buildDataset({
      name: input.name,
      owner: input.owner,
      description: input.description,
      preparator: prep.ref,
      inputDataHash: inputHash.hash,
      generatedUid: generated.hash,
      location: input.location ?? input.owner,
      statistics: prepared.statistics,
    });
    checkEntity('Dataset', entity);
    await writeYamlAtomic(join(work, DATASET_FILE), entity);
    await writeYamlAtomic(join(work, PREPARATION_FILE), preparation);
    // The marker goes last: only a complete folder carries it, and only a complete folder is renamed in.
    await writeFile(join(work, READY_MARKER), `${generated.hash}\n`);
    await replaceDir(work, finalDir, lay.trash);
    return {
      name: input.name,
      dir: finalDir,
      dataPath: join(finalDir, 'data'),
      labelsPath: join(finalDir, 'labels'),
      entity,
      preparation,
      reused: false,
    };
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}

export interface PreparedFolders {
  dataPath: string;
  labelsPath: string;
  statistics: Record<string, unknown>;
}

/**
 * prepare → sanity_check → statistics into `work` (data/, labels/, metadata/ and report.yaml when the
 * manifest declares them, statistics.yaml). Shared by dataset preparation and the compatibility test.
 */
export async function runPreparation(
  prep: ReadyCube,
  raw: { data: string; labels: string; timeouts?: PrepareDatasetInput['timeouts'] },
  work: string,
  exec: CubeExecution,
  progress: Progress,
): Promise<PreparedFolders> {
  const dataPath = join(work, 'data');
  const labelsPath = join(work, 'labels');
  const params: Record<string, string> = {
    data_path: raw.data,
    labels_path: raw.labels,
    output_path: dataPath,
    output_labels_path: labelsPath,
  };
  // MedPerf passes these only when the manifest declares them (mlcube.md §7).
  if (prep.declares('prepare', 'metadata_path')) params.metadata_path = join(work, 'metadata');
  if (prep.declares('prepare', 'report_file')) params.report_file = join(work, 'report.yaml');

  await step(prep, 'prepare', params, raw.timeouts?.prepare, exec, progress, 'dataset.prepare-failed');
  const preparedInputs: Record<string, string> = { data_path: dataPath, labels_path: labelsPath };
  if (prep.declares('prepare', 'metadata_path')) preparedInputs.metadata_path = join(work, 'metadata');
  await step(
    prep,
    'sanity_check',
    onlyDeclared(prep, 'sanity_check', preparedInputs),
    raw.timeouts?.sanity_check,
    exec,
    progress,
    'dataset.sanity-check-failed',
  );
  // statistics.yaml is written in a folder of its own: an output file mounts its parent folder read-write, and
  // with `work/` as that parent the cube could rewrite the prepared data after sanity_check passed.
  const statisticsDir = join(work, '.statistics');
  await mkdir(statisticsDir, { recursive: true });
  await step(
    prep,
    'statistics',
    {
      ...onlyDeclared(prep, 'statistics', preparedInputs),
      output_path: join(statisticsDir, 'statistics.yaml'),
    },
    raw.timeouts?.statistics,
    exec,
    progress,
    'dataset.statistics-failed',
  );
  const statisticsFile = join(work, 'statistics.yaml');
  await rename(join(statisticsDir, 'statistics.yaml'), statisticsFile).catch(() => undefined);
  await rm(statisticsDir, { recursive: true, force: true });
  const statistics = await readStatistics(statisticsFile);
  return { dataPath, labelsPath, statistics };
}

/** Keep `metadata_path` only for tasks that declare it (the engine refuses undeclared parameters). */
function onlyDeclared(cube: ReadyCube, task: string, params: Record<string, string>): Record<string, string> {
  if (!('metadata_path' in params) || cube.declares(task, 'metadata_path')) return params;
  const { metadata_path: _dropped, ...rest } = params;
  return rest;
}

async function step(
  cube: ReadyCube,
  task: string,
  params: Record<string, string>,
  timeoutSeconds: number | undefined,
  exec: CubeExecution,
  progress: Progress,
  code: string,
): Promise<void> {
  const label = `${task} (${cube.ref})`;
  progress.step(label);
  const outcome = await exec.run(cube, task, params, {
    timeoutSeconds,
    logName: `${task}-${cube.ref.replace('/', '.')}`,
  });
  progress.done(label, outcome.ok, outcome.ok ? `${outcome.seconds.toFixed(1)} s` : undefined);
  if (!outcome.ok) {
    const why = outcome.timedOut
      ? `timed out after ${timeoutSeconds} s`
      : outcome.exitCode === null
        ? 'could not start'
        : `exited with code ${outcome.exitCode}`;
    const detail = outcome.diagnostics.find((d) => d.severity === 'error')?.message;
    fail(
      code,
      `the ${task} task of ${cube.ref} ${why}${detail ? `: ${detail}` : ''}${outcome.logFile ? `; see ${outcome.logFile}` : ''}`,
      outcome.logFile ? { file: outcome.logFile } : {},
    );
  }
}

/** The ready dataset in `dir`, or undefined when there is none (or it is incomplete). */
export async function readReady(dir: string): Promise<Omit<PreparedDataset, 'reused'> | undefined> {
  if (!(await stat(join(dir, READY_MARKER)).catch(() => undefined))) return undefined;
  try {
    const entity = parseYaml(await readFile(join(dir, DATASET_FILE), 'utf8')) as Dataset;
    const preparation = parseYaml(await readFile(join(dir, PREPARATION_FILE), 'utf8')) as PreparationRecord;
    return {
      name: entity.metadata.name,
      dir,
      dataPath: join(dir, 'data'),
      labelsPath: join(dir, 'labels'),
      entity,
      preparation,
    };
  } catch {
    return undefined;
  }
}

/** A ready local dataset by name, or a diagnostic saying how to prepare it. */
export async function loadPreparedDataset(
  name: string,
  lay: Layout = defaultLayout(),
): Promise<Omit<PreparedDataset, 'reused'>> {
  const found = await readReady(lay.dataset(name));
  if (!found)
    fail(
      'dataset.not-prepared',
      `no prepared dataset named ${name} in ${lay.datasets}; run \`gitperf dataset prepare --name ${name} ...\` first`,
    );
  return found;
}

/**
 * The dataset must have been prepared by `preparator` (MedPerf: a benchmark runs only on data prepared with
 * its own preparator): the same ref, or, for data prepared from a cube folder, byte-identical cube hashes.
 */
export async function assertPreparedBy(
  ds: Omit<PreparedDataset, 'reused'>,
  preparator: string,
  exec: CubeExecution,
  who: string,
): Promise<void> {
  if (ds.entity.spec.preparator === preparator) return;
  const wanted = await exec.cube(preparator, 'preparator');
  if (JSON.stringify(wanted.hashes) === JSON.stringify(ds.preparation.preparator.hashes)) return;
  fail(
    'benchmark.dataset-preparator-mismatch',
    `dataset ${ds.name} was prepared with ${ds.entity.spec.preparator}, but ${who} uses ${preparator}; prepare the data with that preparator`,
  );
}
