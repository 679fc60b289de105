/**
 * Reads what the leaderboard needs straight from a registry source: the benchmarks, their model
 * associations and their results, nothing else. Each file is parsed and schema-checked exactly as the
 * registry loader does (`fromBytes`), once per content: the fields the leaderboard uses are kept in
 * `$GITPERF_HOME/cache/leaderboard/` keyed by the sha256 of (kind, bytes), so a rebuild parses only
 * new or changed files. The cache is a pure function of the file contents: deleting it only costs time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { writeFileAtomicSync } from '../infra/atomic-write.js';
import { sha256Hex } from '../infra/sha256.js';
import { displayPath, type FileEntry, type FileSource } from '../registry/file-source.js';
import type { Entity } from '../registry/kinds.js';
import { classifyPath, type PathInfo } from '../registry/layout.js';
import { fromBytes, loadFile } from '../registry/loader.js';
import { MAX_FILE_BYTES } from '../registry/yaml-file.js';
import { type BenchmarkInput, type ResultCell, sealedOf } from './collect.js';

/** Bump when a projection's shape changes: older cache files are then ignored. */
const CACHE_VERSION = 2;
const CACHE_FILE = 'entries.json';
/** Reads in flight at once (the file system answers on its thread pool). */
const READ_CONCURRENCY = 64;

type Projection =
  | { kind: 'Benchmark'; name: string; description?: string; policy: BenchmarkInput['policy'] }
  | { kind: 'ModelAssociation'; model: string; optIn: boolean }
  | { kind: 'Result'; cell: Omit<ResultCell, 'file'> };

const WANTED = new Set(['Benchmark', 'ModelAssociation', 'Result']);

export interface LeaderboardRead {
  benchmarks: BenchmarkInput[];
  /** Files that did not load (they are left out, as every listing leaves them out). */
  problems: Diagnostic[];
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
          cubes: spec.execution.cubes,
        },
      };
    }
    default:
      return undefined;
  }
}

/**
 * JSON writes NaN as null; metrics are numbers (NaN allowed as `.nan`) and nothing else in a
 * projection may be NaN, so a null metric read back is NaN. Fixed on use, not with a reviver (which
 * makes parsing the whole cache several times slower).
 */
function restoreNaN(p: Projection): Projection {
  if (p.kind !== 'Result') return p;
  const metrics = p.cell.metrics as Record<string, number | null>;
  for (const name in metrics) if (metrics[name] === null) metrics[name] = Number.NaN;
  return p;
}

class ProjectionCache {
  private readonly file?: string;
  private readonly entries = new Map<string, Projection>();
  private readonly used = new Map<string, Projection>();
  private changed = false;

  constructor(dir: string | undefined) {
    if (!dir) return;
    this.file = join(dir, CACHE_FILE);
    if (!existsSync(this.file)) return;
    try {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as {
        version?: number;
        entries?: Record<string, Projection>;
      };
      if (stored.version === CACHE_VERSION && stored.entries)
        for (const [key, value] of Object.entries(stored.entries)) this.entries.set(key, value);
    } catch {
      // An unreadable cache is an empty one: everything is parsed again and the cache rewritten.
      this.changed = true;
    }
  }

  get(key: string): Projection | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (!this.used.has(key)) this.used.set(key, restoreNaN(hit));
    return hit;
  }

  set(key: string, value: Projection): void {
    this.used.set(key, value);
    this.changed = true;
  }

  /** Keeps the entries of this registry state only, so the cache never outgrows the registry. */
  save(): void {
    if (!this.file || (!this.changed && this.used.size === this.entries.size)) return;
    try {
      writeFileAtomicSync(
        this.file,
        JSON.stringify({ version: CACHE_VERSION, entries: Object.fromEntries(this.used) }),
      );
    } catch {
      // A cache that cannot be written only costs the next run time.
    }
  }
}

async function leaderboardFiles(source: FileSource): Promise<FileEntry[]> {
  const entries = source.listUnder ? await source.listUnder(['benchmarks']) : await source.list();
  return entries
    .filter((e) => e.path.startsWith('benchmarks/'))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The benchmarks' leaderboard inputs. `cacheDir` (the home layout's `leaderboardCache`) keeps parsed
 * files between runs; without it every file is parsed.
 */
export async function readLeaderboardInputs(
  source: FileSource,
  opts: { cacheDir?: string } = {},
): Promise<LeaderboardRead> {
  const cache = new ProjectionCache(opts.cacheDir);
  const problems: Diagnostic[] = [];
  const files: { entry: FileEntry; info: PathInfo }[] = [];
  for (const entry of await leaderboardFiles(source)) {
    const info = classifyPath(entry.path);
    if (!info) {
      // Unknown paths and links get the loader's own diagnostics.
      problems.push(...(await loadFile(source, { entry })).diagnostics);
      continue;
    }
    if (WANTED.has(info.kind)) files.push({ entry, info });
  }
  await source.prefetch?.(files.map((f) => f.entry.path));

  const projections = new Map<string, Projection>();
  let parsed = 0;
  let cached = 0;
  const readOne = async ({ entry, info }: { entry: FileEntry; info: PathInfo }): Promise<void> => {
    if (entry.type !== 'file') {
      problems.push(...(await loadFile(source, { entry, info })).diagnostics);
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = await source.read(entry.path, MAX_FILE_BYTES);
    } catch (e) {
      problems.push({
        code: 'file.unreadable',
        message: `cannot read the file: ${(e as Error).message}`,
        severity: 'error',
        file: displayPath(source, entry.path),
      });
      return;
    }
    // Upper-case paths are refused by the loader whatever the content; they never reach the cache.
    const key = info.upperCase ? undefined : sha256Hex(Buffer.concat([Buffer.from(`${info.kind}\0`), bytes]));
    const hit = key ? cache.get(key) : undefined;
    if (hit) {
      cached++;
      projections.set(entry.path, hit);
      return;
    }
    parsed++;
    const loaded = fromBytes(entry.path, displayPath(source, entry.path), info, bytes);
    problems.push(...loaded.diagnostics);
    const projection = loaded.entity ? project(loaded.entity.entity) : undefined;
    if (!projection) return;
    projections.set(entry.path, projection);
    if (key) cache.set(key, projection);
  };
  for (let start = 0; start < files.length; start += READ_CONCURRENCY)
    await Promise.all(files.slice(start, start + READ_CONCURRENCY).map(readOne));
  cache.save();
  return { benchmarks: assemble(files, projections), problems, parsed, cached };
}

/** Groups the projections by benchmark, in path order (as the registry index lists them). */
function assemble(
  files: readonly { entry: FileEntry; info: PathInfo }[],
  projections: ReadonlyMap<string, Projection>,
): BenchmarkInput[] {
  const byName = new Map<string, BenchmarkInput>();
  // In ref order, as the registry index lists entities.
  const ordered = [...files].sort((a, b) => (a.info.ref < b.info.ref ? -1 : a.info.ref > b.info.ref ? 1 : 0));
  for (const { entry, info } of ordered) {
    const p = projections.get(entry.path);
    if (p?.kind === 'Benchmark' && info.benchmark)
      byName.set(info.benchmark, {
        name: p.name,
        ...(p.description ? { description: p.description } : {}),
        policy: p.policy,
        models: [],
        results: [],
      });
  }
  for (const { entry, info } of ordered) {
    const p = projections.get(entry.path);
    const benchmark = info.benchmark ? byName.get(info.benchmark) : undefined;
    if (!p || !benchmark) continue;
    if (p.kind === 'ModelAssociation') benchmark.models.push({ model: p.model, optIn: p.optIn });
    else if (p.kind === 'Result') benchmark.results.push({ ...p.cell, file: entry.path });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
