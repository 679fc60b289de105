/**
 * Reads from a registry what the plan needs, and only that: the file listing, then the Runner, Benchmark,
 * association, MLCube and Dataset files in scope (fully loaded: YAML + schema), then the recorded
 * execution of each result in scope (scanned, see recorded-execution.ts). A file that does not load is a
 * warning and is planned around; it never stops the plan.
 */
import { type Diagnostic, fail, warning } from '../diagnostics/diagnostic.js';
import { displayPath, type FileSource } from '../registry/file-source.js';
import { datasetAssociationRef, type Kind } from '../registry/kinds.js';
import { entityFolder, entityPath } from '../registry/layout.js';
import { fromBytes, type ListedFile, type LoadedEntity, loadFile } from '../registry/loader.js';
import { MAX_FILE_BYTES } from '../registry/yaml-file.js';
import { type RecordedExecution, recordedFromEntity, scanRecordedExecution } from './recorded-execution.js';
import { listedPlanFiles, type PlanFiles } from './registry-files.js';

/** Which jobs to plan. Every field narrows; none set plans everything. */
export interface PlanScope {
  /** A benchmark name. */
  benchmark?: string;
  /** A dataset, `owner/name` (or a bare name, matching any owner). */
  dataset?: string;
  /** A Runner `owner/name`: the datasets it serves, assigned to it. */
  runner?: string;
  /** A login: the datasets it owns (`--mine`). */
  datasetOwner?: string;
}

export interface ResultFile {
  /** Registry-relative path. */
  path: string;
  /** As shown to people. */
  file: string;
  info: NonNullable<ListedFile['info']>;
  bytes: Buffer;
}

export interface PlanInput {
  /** Benchmarks in scope that loaded, whatever their state. */
  benchmarks: LoadedEntity<'Benchmark'>[];
  cubes: Map<string, LoadedEntity<'MLCube'>>;
  datasets: Map<string, LoadedEntity<'Dataset'>>;
  /** Every Runner that loaded, sorted by ref. */
  runners: LoadedEntity<'Runner'>[];
  /** Merged associations by benchmark (sorted by ref). */
  modelAssociations: Map<string, LoadedEntity<'ModelAssociation'>[]>;
  datasetAssociations: Map<string, LoadedEntity<'DatasetAssociation'>[]>;
  /** Result ref → its file's bytes, for jobs.ts to compare (see recorded-execution.ts). */
  results: Map<string, ResultFile>;
  /** Result refs whose file exists but could not be read: those jobs are left out (see warnings). */
  brokenResults: Set<string>;
  /** Refs (`Kind:ref`) whose file exists but did not load. */
  brokenEntities: Set<string>;
  warnings: Diagnostic[];
}

/** Whether a dataset ref is in scope (the runner's datasets are checked separately). */
export function datasetMatches(scope: PlanScope, ref: string): boolean {
  if (scope.datasetOwner && !ref.startsWith(`${scope.datasetOwner}/`)) return false;
  if (scope.dataset) {
    if (scope.dataset.includes('/')) return ref === scope.dataset;
    return ref.slice(ref.indexOf('/') + 1) === scope.dataset;
  }
  return true;
}

export async function readPlanInput(
  source: FileSource,
  scope: PlanScope = {},
  files?: PlanFiles,
): Promise<PlanInput> {
  const listing = files ?? (await listedPlanFiles(source));
  const warnings: Diagnostic[] = [];
  const brokenEntities = new Set<string>();

  async function load<K extends Kind>(file: ListedFile): Promise<LoadedEntity<K> | undefined> {
    const loadedFile = await loadFile(source, file);
    if (!loadedFile.entity || loadedFile.diagnostics.some((d) => d.severity === 'error')) {
      brokenEntities.add(`${file.info?.kind}:${file.info?.ref}`);
      warnings.push(...loadedFile.diagnostics.map(leftOut));
      return undefined;
    }
    return loadedFile.entity as LoadedEntity<K>;
  }
  async function loadAll<K extends Kind>(
    kind: K,
    candidates: ListedFile[],
    keep: (file: ListedFile) => boolean = () => true,
  ) {
    const out: LoadedEntity<K>[] = [];
    for (const file of candidates) {
      if (file.info?.kind !== kind || !keep(file)) continue;
      const entity = await load<K>(file);
      if (entity) out.push(entity);
    }
    return out;
  }
  /** Loads `kind`'s entity `ref` once; undefined (and a warning once) when absent or broken. */
  const cache = new Map<string, LoadedEntity | undefined>();
  async function loadRef<K extends Kind>(kind: K, ref: string, neededBy: string) {
    const path = entityPath(kind, ref);
    if (cache.has(path)) return cache.get(path) as LoadedEntity<K> | undefined;
    const file = await listing.at(path);
    let entity: LoadedEntity<K> | undefined;
    if (file?.info?.kind === kind) entity = await load<K>(file);
    else
      warnings.push(
        warning(
          'plan.missing-entity',
          `${neededBy} names ${kind} ${ref}, which is not in the registry; its jobs are left out`,
          { file: displayPath(source, path) },
        ),
      );
    cache.set(path, entity);
    return entity;
  }

  const runners = await loadAll('Runner', await listing.under(entityFolder({ kind: 'Runner' })));
  let runnerDatasets: Set<string> | undefined;
  if (scope.runner) {
    const runner = runners.find((r) => r.ref === scope.runner);
    if (!runner && !brokenEntities.has(`Runner:${scope.runner}`))
      fail(
        'plan.runner-not-found',
        `no Runner ${scope.runner} in the registry (${entityPath('Runner', scope.runner)}); register it with \`gitperf runner register\``,
        {},
        2,
      );
    runnerDatasets = new Set(runner?.entity.spec.datasets ?? []);
  }
  const inScope = (dataset: string | undefined) =>
    dataset !== undefined &&
    datasetMatches(scope, dataset) &&
    (!runnerDatasets || runnerDatasets.has(dataset));

  // The datasets in scope, when known up front (a runner's, or one `owner/name`): their association files
  // are looked up by path instead of listing every association of each benchmark.
  const knownDatasets =
    runnerDatasets ?? (scope.dataset?.includes('/') ? new Set([scope.dataset]) : undefined);
  async function associationFiles(benchmark: string): Promise<ListedFile[]> {
    if (!knownDatasets) return listing.under(entityFolder({ kind: 'DatasetAssociation', benchmark }));
    const out: ListedFile[] = [];
    for (const dataset of [...knownDatasets].sort()) {
      const file = await listing.at(
        entityPath('DatasetAssociation', datasetAssociationRef(benchmark, dataset)),
      );
      if (file) out.push(file);
    }
    return out;
  }
  const benchmarkFiles: ListedFile[] = [];
  for (const name of await listing.benchmarkNames()) {
    if (scope.benchmark && name !== scope.benchmark) continue;
    const file = await listing.at(entityPath('Benchmark', name));
    if (file) benchmarkFiles.push(file);
  }
  const benchmarks = await loadAll('Benchmark', benchmarkFiles);
  const modelAssociations = new Map<string, LoadedEntity<'ModelAssociation'>[]>();
  const datasetAssociations = new Map<string, LoadedEntity<'DatasetAssociation'>[]>();
  for (const bench of benchmarks) {
    if (bench.entity.spec.state !== 'operation') continue;
    const das = await loadAll('DatasetAssociation', await associationFiles(bench.ref), (file) =>
      inScope(file.info?.dataset),
    );
    if (das.length === 0) continue;
    datasetAssociations.set(bench.ref, das);
    modelAssociations.set(
      bench.ref,
      await loadAll(
        'ModelAssociation',
        await listing.under(entityFolder({ kind: 'ModelAssociation', benchmark: bench.ref })),
      ),
    );
  }

  const cubes = new Map<string, LoadedEntity<'MLCube'>>();
  const datasets = new Map<string, LoadedEntity<'Dataset'>>();
  const results = new Map<string, ResultFile>();
  const brokenResults = new Set<string>();
  for (const bench of benchmarks) {
    const das = datasetAssociations.get(bench.ref) ?? [];
    const mas = modelAssociations.get(bench.ref) ?? [];
    if (das.length === 0) continue;
    const spec = bench.entity.spec;
    const cubeRefs = [
      spec.preparator,
      spec.metrics,
      spec.referenceModel,
      ...mas.map((a) => a.entity.spec.model),
    ];
    for (const ref of cubeRefs) {
      const cubeEntity = await loadRef('MLCube', ref, bench.file);
      if (cubeEntity) cubes.set(ref, cubeEntity);
    }
    for (const da of das) {
      const ref = da.info.dataset ?? da.entity.spec.dataset;
      const datasetEntity = await loadRef('Dataset', ref, da.file);
      if (datasetEntity) datasets.set(ref, datasetEntity);
      for (const file of await listing.under(
        entityFolder({ kind: 'Result', benchmark: bench.ref, dataset: ref }),
      )) {
        if (file.info?.kind !== 'Result') continue;
        const read = await readResult(source, file, warnings, listing);
        if (read) results.set(read.info.ref, read);
        else brokenResults.add(file.info?.ref ?? '');
      }
    }
  }
  return {
    benchmarks,
    cubes,
    datasets,
    runners,
    modelAssociations,
    datasetAssociations,
    results,
    brokenResults,
    brokenEntities,
    warnings,
  };
}

/** A result file's bytes; undefined (with warnings) when it is not a readable regular file. */
async function readResult(
  source: FileSource,
  listed: ListedFile,
  warnings: Diagnostic[],
  listing: PlanFiles,
): Promise<ResultFile | undefined> {
  const info = listed.info;
  if (listed.entry.type !== 'file' || !info || info.upperCase) {
    const loadedFile = await loadFile(source, listed);
    warnings.push(...loadedFile.diagnostics.map(leftOut));
    return undefined;
  }
  const file = displayPath(source, listed.entry.path);
  try {
    const bytes =
      listing.readSmall?.(listed.entry.path) ?? (await source.read(listed.entry.path, MAX_FILE_BYTES));
    return {
      path: listed.entry.path,
      file,
      info,
      bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
    };
  } catch (e) {
    warnings.push(
      leftOut(warning('file.unreadable', `cannot read the file: ${(e as Error).message}`, { file })),
    );
    return undefined;
  }
}

/**
 * What a result file records: scanned when it is plain ASCII in gitperf's layout, else fully loaded.
 * Undefined when it does not load; `problems` then gets the loader's diagnostics as warnings.
 */
export function recordedExecution(result: ResultFile, problems: Diagnostic[]): RecordedExecution | undefined {
  const { bytes } = result;
  if (bytes.length <= MAX_FILE_BYTES && isAscii(bytes)) {
    const scanned = scanRecordedExecution(bytes);
    if (scanned) return scanned;
  }
  const parsed = fromBytes(result.path, result.file, result.info, bytes);
  if (parsed.entity?.kind === 'Result' && !parsed.diagnostics.some((d) => d.severity === 'error'))
    return recordedFromEntity((parsed.entity as LoadedEntity<'Result'>).entity);
  problems.push(...parsed.diagnostics.map(leftOut));
  return undefined;
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++)
    if (bytes[i] > 0x7e || (bytes[i] < 0x20 && bytes[i] !== 0x0a)) return false;
  return true;
}

/** A load problem, as the plan reports it: a warning saying the file was planned around. */
export function leftOut(diagnostic: Diagnostic): Diagnostic {
  return {
    ...diagnostic,
    severity: 'warning',
    message: `${diagnostic.message} (planned around: jobs that need this file are left out)`,
  };
}
