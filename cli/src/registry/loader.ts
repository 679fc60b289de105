import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import { displayPath, type FileEntry, type FileSource } from './file-source.js';
import type { EntityByKind, Kind } from './kinds.js';
import { classifyPath, isIgnoredPath, type PathInfo } from './layout.js';
import type { Position, PositionMap, PositionTarget, PropertyPath } from './positions.js';
import { validateSchema } from './schema.js';
import { MAX_FILE_BYTES, parseYamlFile } from './yaml-file.js';

/** One registry file that parsed and passed its kind's schema. */
export interface LoadedEntity<K extends Kind = Kind> {
  kind: K;
  /** The entity's key within its kind, derived from the path (see kinds.ts). */
  ref: string;
  /** Path relative to the registry folder, e.g. `users/ada.yaml`. */
  path: string;
  /** Path as shown to people, e.g. `registry/users/ada.yaml`. */
  file: string;
  /** What the path says the entity is (name, owner, benchmark, model, dataset). */
  info: PathInfo;
  /** The typed content. */
  entity: EntityByKind[K];
  /** The decoded file text. */
  text: string;
  /** 1-based line/column of the key or value at `path` in the file (nearest existing ancestor if absent). */
  position(path: PropertyPath, target?: PositionTarget): Position;
}

/** A file found under the registry folder, with what its path means (undefined: not a layout path). */
export interface ListedFile {
  entry: FileEntry;
  info?: PathInfo;
}

export interface LoadOptions {
  /**
   * Parse only these paths (relative to the registry folder). Paths that are not in the source
   * are ignored. Default: every file. Every file is still listed and classified.
   */
  paths?: Iterable<string>;
}

export interface LoadResult {
  entities: LoadedEntity[];
  /** Hostile-input, unknown-path and schema errors of the files that were parsed. */
  diagnostics: Diagnostic[];
  /** Every listed file, for path-level facts (which refs exist) without parsing. */
  files: ListedFile[];
}

/** Lists and classifies every file of a source. Unknown paths get `info: undefined`. */
export async function listRegistry(source: FileSource): Promise<ListedFile[]> {
  const entries = await source.list();
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return entries.map((entry) => ({ entry, info: classifyPath(entry.path) }));
}

/**
 * Loads a registry: lists the source, refuses hostile files, parses YAML with positions and
 * checks each file against its kind's schema. Layout and reference checks are validateRegistry's.
 */
export async function loadRegistry(source: FileSource, opts: LoadOptions = {}): Promise<LoadResult> {
  const files = await listRegistry(source);
  const only = opts.paths ? new Set(opts.paths) : undefined;
  const entities: LoadedEntity[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    if (only && !only.has(file.entry.path)) continue;
    const loadedFile = await loadFile(source, file);
    diagnostics.push(...loadedFile.diagnostics);
    if (loadedFile.entity) entities.push(loadedFile.entity);
  }
  return { entities, diagnostics, files };
}

/** Loads one listed file (see loadRegistry). */
export async function loadFile(
  source: FileSource,
  listed: ListedFile,
): Promise<{ entity?: LoadedEntity; diagnostics: Diagnostic[] }> {
  const { entry, info } = listed;
  const file = displayPath(source, entry.path);
  if (entry.type === 'symlink') {
    return {
      diagnostics: [
        error('file.symlink', 'symbolic links are not allowed in the registry; commit a regular file', {
          file,
        }),
      ],
    };
  }
  if (entry.type !== 'file') {
    return {
      diagnostics: [error('file.not-regular', 'only regular files are allowed in the registry', { file })],
    };
  }
  if (!info) {
    if (isIgnoredPath(entry.path)) return { diagnostics: [] };
    return { diagnostics: [unknownPath(entry.path, file)] };
  }
  let bytes: Uint8Array;
  try {
    bytes = await source.read(entry.path, MAX_FILE_BYTES);
  } catch (e) {
    return {
      diagnostics: [error('file.unreadable', `cannot read the file: ${(e as Error).message}`, { file })],
    };
  }
  return fromBytes(entry.path, file, info, bytes);
}

/** Parses and schema-checks one file's bytes. Exported for sources that already hold the bytes. */
export function fromBytes(
  path: string,
  file: string,
  info: PathInfo,
  bytes: Uint8Array,
): { entity?: LoadedEntity; diagnostics: Diagnostic[] } {
  const parsed = parseYamlFile(bytes, file);
  const diagnostics = parsed.diagnostics;
  if (info.upperCase) {
    diagnostics.push(
      error('layout.upper-case', `registry paths are lower case; rename the file to ${path.toLowerCase()}`, {
        file,
        line: 1,
        column: 1,
      }),
    );
  }
  if (!parsed.data) return { diagnostics };
  const data = parsed.data;
  if (data.kind !== info.kind) {
    const pos = parsed.positions.position(['kind'], 'value');
    diagnostics.push(
      error(
        'layout.kind-mismatch',
        `a file at ${layoutHint(info.kind)} must have kind ${info.kind} (found ${data.kind === undefined ? 'no kind' : JSON.stringify(data.kind)})`,
        { file, ...pos },
      ),
    );
    return { diagnostics };
  }
  const schemaErrors = validateSchema(info.kind, data, file, parsed.positions);
  if (schemaErrors.length) return { diagnostics: [...diagnostics, ...schemaErrors] };
  return { entity: makeEntity(info, path, file, data, parsed.text, parsed.positions), diagnostics };
}

function makeEntity(
  info: PathInfo,
  path: string,
  file: string,
  data: Record<string, unknown>,
  text: string,
  positions: PositionMap,
): LoadedEntity {
  return {
    kind: info.kind,
    ref: info.ref,
    path,
    file,
    info,
    entity: data as unknown as EntityByKind[Kind],
    text,
    position: (p, target) => positions.position(p, target),
  };
}

const LAYOUT_HINTS: Record<Kind, string> = {
  Registry: 'registry.yaml',
  User: 'users/<login>.yaml',
  MLCube: 'mlcubes/<owner>/<name>.yaml',
  Dataset: 'datasets/<owner>/<name>.yaml',
  Runner: 'runners/<owner>/<name>.yaml',
  Benchmark: 'benchmarks/<name>/benchmark.yaml',
  ModelAssociation: 'benchmarks/<benchmark>/models/<owner>.<cube>.yaml',
  DatasetAssociation: 'benchmarks/<benchmark>/datasets/<owner>.<dataset>.yaml',
  Result: 'benchmarks/<benchmark>/results/<data-owner>/<dataset>/<model-owner>.<cube>.yaml',
};

export function layoutHint(kind: Kind): string {
  return LAYOUT_HINTS[kind];
}

function unknownPath(path: string, file: string): Diagnostic {
  const hint = path.endsWith('.yml')
    ? 'registry files end in .yaml'
    : `the layout defines only ${Object.values(LAYOUT_HINTS).join(', ')}`;
  return error('layout.unknown-path', `no registry file belongs at ${path}: ${hint}`, { file });
}
