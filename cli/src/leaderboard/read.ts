/**
 * Reads what the leaderboard needs straight from a registry source: the benchmarks, their model
 * associations and their results, nothing else. Each file is parsed and schema-checked exactly as the
 * registry loader does (`fromBytes`), once per content: the fields the leaderboard uses are kept in the
 * parse cache (infra/parse-cache.ts; a shard per benchmark) keyed by (kind, git blob id), so a rebuild
 * parses only new or changed files, and files git reports unchanged (`blobIds`) are not even read. The
 * cache is a pure function of the file contents: deleting it only costs time.
 */
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { contentKey, gitBlobId, ParseCache } from '../infra/parse-cache.js';
import { displayPath, type FileEntry, type FileSource } from '../registry/file-source.js';
import type { Entity } from '../registry/kinds.js';
import { benchmarkFolderOf, classifyPath, entityFolder, type PathInfo } from '../registry/layout.js';
import { fromBytes, loadFile } from '../registry/loader.js';
import { isSignedResult } from '../registry/result-signed.js';
import type { ConfusionCounts, CubeUsage, SufficientStatistics } from '../registry/types.generated.js';
import { MAX_FILE_BYTES } from '../registry/yaml-file.js';
import { type BenchmarkInput, type ResultCell, sealedOf } from './collect.js';

/** Bump when a projection's stored shape changes: older cache shards are then ignored. */
const CACHE_VERSION = 5;
/** This reader's folder in the parse cache. */
const CACHE_READER = 'leaderboard';
/** Reads in flight at once (the file system answers on its thread pool). */
const READ_CONCURRENCY = 64;

type Projection =
  | { kind: 'Benchmark'; name: string; description?: string; policy: BenchmarkInput['policy'] }
  | { kind: 'ModelAssociation'; model: string; optIn: boolean }
  | { kind: 'Result'; cell: Omit<ResultCell, 'file'> };

const WANTED = new Set(['Benchmark', 'ModelAssociation', 'Result']);

/** A file of a benchmark folder as the reader met it: what the folder's inputs are a function of. */
export interface FileId {
  path: string;
  type: FileEntry['type'];
  /** Git's blob id of a regular file's content; absent for links and for a file that could not be read. */
  blobId?: string;
}

/** A benchmark folder's files (in path order) and the problems they gave. */
export interface FolderRead {
  files: FileId[];
  problems: Diagnostic[];
  /** Where the folder's benchmark is in `benchmarks` (absent when its benchmark.yaml did not load). */
  inputIndex?: number;
}

export interface LeaderboardRead {
  benchmarks: BenchmarkInput[];
  /** Files that did not load (they are left out, as every listing leaves them out), by file. */
  problems: Diagnostic[];
  /** Each benchmark folder read, by folder name: its files with their blob ids (to key what is built from them). */
  folders: Map<string, FolderRead>;
  /** Benchmark folders the caller chose to `reuse`: neither read nor in `benchmarks`, `folders`, `problems`. */
  reused: string[];
  /** How many files were parsed, and how many came from the cache. */
  parsed: number;
  cached: number;
}

function project(entity: Entity): Projection | undefined {
  switch (entity.kind) {
    case 'Benchmark':
      return {
        kind: 'Benchmark',
        name: entity.metadata.name,
        ...(entity.metadata.description ? { description: entity.metadata.description } : {}),
        policy: entity.spec.policy,
      };
    case 'ModelAssociation':
      return {
        kind: 'ModelAssociation',
        model: entity.spec.model,
        optIn: entity.spec.leaderboardOptIn === true,
      };
    case 'Result': {
      const spec = entity.spec;
      return {
        kind: 'Result',
        cell: {
          model: spec.model,
          dataset: spec.dataset,
          metrics: spec.metrics ?? {},
          encrypted: spec.encrypted !== undefined,
          ...(spec.encrypted ? { sealed: sealedOf(spec.encrypted) } : {}),
          ...(spec.sufficientStatistics ? { stats: spec.sufficientStatistics } : {}),
          partial: spec.partial,
          signed: isSignedResult(entity),
          cubes: spec.execution.cubes,
        },
      };
    }
    default:
      return undefined;
  }
}

/** What the cache stores for a projection: the same fields, in arrays (a third of the JSON to parse). */
type Stored =
  | ['B', string, string | null, BenchmarkInput['policy']]
  | ['M', string, 0 | 1]
  | [
      'R',
      string,
      string,
      Record<string, number | null>,
      0 | 1,
      0 | 1,
      string,
      StoredStatistics | null,
      0 | 1,
      [string, string] | null,
    ];

/** Sufficient statistics as numbers: cases, the operating point, then the grid (5 numbers a point). */
type StoredStatistics = [number, number, number, number, number, number, number[] | null];

const counts = (c: ConfusionCounts): number[] => [c.threshold, c.tp, c.fp, c.tn, c.fn];

function storeStatistics(stats: SufficientStatistics): StoredStatistics {
  const grid = stats.thresholdGrid ? stats.thresholdGrid.flatMap(counts) : null;
  const [threshold, tp, fp, tn, fn] = counts(stats.operatingPoint);
  return [stats.cases, threshold, tp, fp, tn, fn, grid];
}

function restoreStatistics(stored: StoredStatistics): SufficientStatistics {
  const [cases, threshold, tp, fp, tn, fn, grid] = stored;
  const out: SufficientStatistics = { cases, operatingPoint: { threshold, tp, fp, tn, fn } };
  if (grid) {
    const points: ConfusionCounts[] = [];
    for (let i = 0; i + 4 < grid.length; i += 5)
      points.push({ threshold: grid[i], tp: grid[i + 1], fp: grid[i + 2], tn: grid[i + 3], fn: grid[i + 4] });
    out.thresholdGrid = points;
  }
  return out;
}

function store(projection: Projection): Stored {
  switch (projection.kind) {
    case 'Benchmark':
      return ['B', projection.name, projection.description ?? null, projection.policy];
    case 'ModelAssociation':
      return ['M', projection.model, projection.optIn ? 1 : 0];
    case 'Result': {
      const cell = projection.cell;
      return [
        'R',
        cell.model,
        cell.dataset,
        // JSON writes NaN as null; metrics are the only numbers that may be NaN (`.nan`).
        cell.metrics,
        cell.encrypted ? 1 : 0,
        cell.partial ? 1 : 0,
        // As text: results of a benchmark mostly share their cubes, and restore() shares one copy.
        JSON.stringify(cell.cubes),
        cell.stats ? storeStatistics(cell.stats) : null,
        cell.signed ? 1 : 0,
        cell.sealed ? [cell.sealed.ciphertext, cell.sealed.measurementsSha256] : null,
      ];
    }
  }
}

/** The projection a stored entry holds; undefined when it is not one (a corrupt cache is a miss). */
function restore(stored: Stored | undefined, cubes: Map<string, CubeUsage[]>): Projection | undefined {
  try {
    return restoreEntry(stored, cubes);
  } catch {
    return undefined; // a corrupt entry (bad cube text, statistics of another shape) is a miss
  }
}

function restoreEntry(stored: Stored | undefined, cubes: Map<string, CubeUsage[]>): Projection | undefined {
  if (!Array.isArray(stored)) return undefined;
  if (stored[0] === 'B' && typeof stored[1] === 'string' && stored[3] && typeof stored[3] === 'object')
    return {
      kind: 'Benchmark',
      name: stored[1],
      ...(stored[2] ? { description: stored[2] } : {}),
      policy: stored[3],
    };
  if (stored[0] === 'M' && typeof stored[1] === 'string')
    return { kind: 'ModelAssociation', model: stored[1], optIn: stored[2] === 1 };
  if (
    stored[0] === 'R' &&
    stored.length === 10 &&
    stored[3] &&
    typeof stored[3] === 'object' &&
    typeof stored[6] === 'string'
  ) {
    let used = cubes.get(stored[6]);
    if (!used) {
      used = JSON.parse(stored[6]) as CubeUsage[];
      cubes.set(stored[6], used);
    }
    const metrics: Record<string, number> = {};
    for (const name in stored[3]) metrics[name] = stored[3][name] ?? Number.NaN;
    return {
      kind: 'Result',
      cell: {
        model: stored[1],
        dataset: stored[2],
        metrics,
        encrypted: stored[4] === 1,
        ...(Array.isArray(stored[9])
          ? { sealed: { ciphertext: stored[9][0], measurementsSha256: stored[9][1] } }
          : {}),
        ...(stored[7] ? { stats: restoreStatistics(stored[7]) } : {}),
        partial: stored[5] === 1,
        signed: stored[8] === 1,
        cubes: used,
      },
    };
  }
  return undefined;
}

async function leaderboardFiles(source: FileSource): Promise<FileEntry[]> {
  const top = entityFolder({ kind: 'Benchmark' });
  const entries = source.listUnder ? await source.listUnder([top]) : await source.list();
  return entries
    .filter((e) => e.path.startsWith(`${top}/`))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Whether every file of a folder is named by its content (a regular file with a blob id, or a link). */
export function completeFiles(files: readonly FileId[]): boolean {
  return files.every((file) => file.type !== 'file' || file.blobId !== undefined);
}

/**
 * The benchmarks' leaderboard inputs. `cacheDir` (the home layout's `parseCache`) keeps parsed files
 * between runs; without it every file is parsed. `blobIds` (git/git.ts `cleanBlobIds` of the registry
 * folder): registry-relative path -> git blob id of the files known unchanged, which are then neither
 * read nor hashed when the cache has them. `reuse` is asked, for each benchmark folder whose files git
 * names all (`completeFiles`), whether the caller already holds what it builds from them: then the folder
 * is not read at all.
 */
export async function readLeaderboardInputs(
  source: FileSource,
  opts: {
    cacheDir?: string;
    /** A promise: git works out the ids while the folder is listed. */
    blobIds?: ReadonlyMap<string, string> | Promise<ReadonlyMap<string, string> | undefined>;
    reuse?: (folder: string, files: readonly FileId[]) => boolean | Promise<boolean>;
  } = {},
): Promise<LeaderboardRead> {
  const cache = new ParseCache<Stored>(
    opts.cacheDir ? join(opts.cacheDir, CACHE_READER) : undefined,
    CACHE_VERSION,
  );
  const sharedCubes = new Map<string, CubeUsage[]>();
  const problems: Diagnostic[] = [];
  // Entries by benchmark folder (the listing is in path order). A folder's key covers all its entries,
  // whatever their kind: a superset of what its pages depend on, found without classifying a path.
  const byFolder = new Map<string, FileEntry[]>();
  const loose: FileEntry[] = [];
  const listing = await leaderboardFiles(source);
  const blobIds = (await opts.blobIds) ?? new Map<string, string>();
  for (const entry of listing) {
    const folder = benchmarkFolderOf(entry.path);
    if (folder === undefined) {
      loose.push(entry);
      continue;
    }
    let entries = byFolder.get(folder);
    if (!entries) {
      entries = [];
      byFolder.set(folder, entries);
    }
    entries.push(entry);
  }
  const fileIdsOf = (entries: readonly FileEntry[]): FileId[] =>
    entries.map((entry) => {
      const blobId = entry.type === 'file' ? blobIds.get(entry.path) : undefined;
      return { path: entry.path, type: entry.type, ...(blobId ? { blobId } : {}) };
    });
  const reused: string[] = [];
  if (opts.reuse)
    for (const [folder, entries] of byFolder) {
      const ids = fileIdsOf(entries);
      if (completeFiles(ids) && (await opts.reuse(folder, ids))) reused.push(folder);
    }
  for (const folder of reused) byFolder.delete(folder);

  const fileIds = new Map<string, FileId>();
  const folders = new Map<string, FolderRead>();
  const files: { entry: FileEntry; info: PathInfo }[] = [];
  const unknown: { entry: FileEntry; problems: Diagnostic[] }[] = [];
  const classify = (entry: FileEntry, into: Diagnostic[]): void => {
    const info = classifyPath(entry.path);
    if (!info) unknown.push({ entry, problems: into });
    else if (WANTED.has(info.kind)) files.push({ entry, info });
  };
  for (const entry of loose) classify(entry, problems);
  for (const [folder, entries] of byFolder) {
    const folderRead: FolderRead = { files: fileIdsOf(entries), problems: [] };
    folders.set(folder, folderRead);
    for (const fileId of folderRead.files) fileIds.set(fileId.path, fileId);
    for (const entry of entries) classify(entry, folderRead.problems);
  }
  // Unknown paths and links get the loader's own diagnostics.
  for (const { entry, problems: into } of unknown)
    into.push(...(await loadFile(source, { entry })).diagnostics);
  const projections = new Map<string, Projection>();
  let parsed = 0;
  let cached = 0;
  const toRead: { entry: FileEntry; info: PathInfo }[] = [];
  for (const file of files) {
    // Upper-case paths are refused by the loader whatever the content; they never reach the cache.
    const id = file.entry.type === 'file' && !file.info.upperCase ? blobIds.get(file.entry.path) : undefined;
    const hit = id
      ? restore(cache.get(shardOf(file.info), contentKey(file.info.kind, id)), sharedCubes)
      : undefined;
    if (hit) {
      cached++;
      projections.set(file.entry.path, hit);
    } else toRead.push(file);
  }
  await source.prefetch?.(toRead.map((f) => f.entry.path));

  const readOne = async ({ entry, info }: { entry: FileEntry; info: PathInfo }): Promise<void> => {
    const folderProblems = folders.get(benchmarkFolderOf(entry.path) ?? '')?.problems ?? problems;
    if (entry.type !== 'file') {
      folderProblems.push(...(await loadFile(source, { entry, info })).diagnostics);
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = await source.read(entry.path, MAX_FILE_BYTES);
    } catch (e) {
      folderProblems.push({
        code: 'file.unreadable',
        message: `cannot read the file: ${(e as Error).message}`,
        severity: 'error',
        file: displayPath(source, entry.path),
      });
      return;
    }
    const blobId = gitBlobId(bytes);
    const fileId = fileIds.get(entry.path);
    if (fileId) fileId.blobId = blobId;
    const key = info.upperCase ? undefined : contentKey(info.kind, blobId);
    const hit = key ? restore(cache.get(shardOf(info), key), sharedCubes) : undefined;
    if (hit) {
      cached++;
      projections.set(entry.path, hit);
      return;
    }
    parsed++;
    const loaded = fromBytes(entry.path, displayPath(source, entry.path), info, bytes);
    folderProblems.push(...loaded.diagnostics);
    const projection = loaded.entity ? project(loaded.entity.entity) : undefined;
    if (!projection) return;
    projections.set(entry.path, projection);
    if (key) cache.set(shardOf(info), key, store(projection));
  };
  for (let start = 0; start < toRead.length; start += READ_CONCURRENCY)
    await Promise.all(toRead.slice(start, start + READ_CONCURRENCY).map(readOne));
  cache.save();
  for (const folderRead of folders.values()) {
    folderRead.problems.sort(byFile);
    problems.push(...folderRead.problems);
  }
  return {
    benchmarks: assemble(files, projections, folders),
    // By file (reads finish in any order), so a rebuild reports them as the first build did.
    problems: problems.sort(byFile),
    folders,
    reused,
    parsed,
    cached,
  };
}

/** Orders diagnostics by file (stable: one file's keep their order). */
export function byFile(a: Diagnostic, b: Diagnostic): number {
  const left = a.file ?? '';
  const right = b.file ?? '';
  return left < right ? -1 : left > right ? 1 : 0;
}

/** One cache shard per benchmark: reading one benchmark loads only its shard. */
function shardOf(info: PathInfo): string {
  return info.benchmark ?? '';
}

/**
 * Groups the projections by benchmark, in path order (as the registry index lists them), sorted by name;
 * notes in `folders` where each folder's benchmark landed.
 */
function assemble(
  files: readonly { entry: FileEntry; info: PathInfo }[],
  projections: ReadonlyMap<string, Projection>,
  folders: ReadonlyMap<string, FolderRead>,
): BenchmarkInput[] {
  const byName = new Map<string, BenchmarkInput>();
  const folderOfBenchmark = new Map<string, string>();
  // In ref order, as the registry index lists entities.
  const ordered = [...files].sort((a, b) => (a.info.ref < b.info.ref ? -1 : a.info.ref > b.info.ref ? 1 : 0));
  for (const { entry, info } of ordered) {
    const projection = projections.get(entry.path);
    if (projection?.kind === 'Benchmark' && info.benchmark) {
      folderOfBenchmark.set(info.benchmark, benchmarkFolderOf(entry.path) ?? info.benchmark);
      byName.set(info.benchmark, {
        name: projection.name,
        ...(projection.description ? { description: projection.description } : {}),
        policy: projection.policy,
        models: [],
        results: [],
      });
    }
  }
  for (const { entry, info } of ordered) {
    const projection = projections.get(entry.path);
    const benchmark = info.benchmark ? byName.get(info.benchmark) : undefined;
    if (!projection || !benchmark) continue;
    if (projection.kind === 'ModelAssociation')
      benchmark.models.push({ model: projection.model, optIn: projection.optIn });
    else if (projection.kind === 'Result') benchmark.results.push({ ...projection.cell, file: entry.path });
  }
  const sorted = [...byName].sort(([, a], [, b]) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  sorted.forEach(([benchmark], index) => {
    const folderRead = folders.get(folderOfBenchmark.get(benchmark) ?? benchmark);
    if (folderRead) folderRead.inputIndex = index;
  });
  return sorted.map(([, benchmark]) => benchmark);
}
