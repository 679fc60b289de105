import { type Diagnostic, error, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { gitBlobId } from '../infra/parse-cache.js';
import { type ResultSignatureVerdict, ResultSignatureVerifier } from '../trust/index.js';
import { referrerFolders } from './change-scope.js';
import { checkInWorkers, signatureWorkers, workerCount } from './check-pool.js';
import { checkConsistency } from './consistency-rules.js';
import { checkFile, PathFacts, refFacts } from './file-check.js';
import { displayPath, type FileSource } from './file-source.js';
import { emptyCounts, type Kind, REGISTRY_REF } from './kinds.js';
import { classifyPath, entityPath } from './layout.js';
import { checkLayout } from './layout-rules.js';
import { type ListedFile, type LoadedEntity, listRegistry, loadFile } from './loader.js';
import { checkReferences, SUPPORT_KINDS, SupportFacts } from './references.js';
import { checkResultProvenance, type PendingSignature } from './result-provenance.js';
import { MAX_FILE_BYTES } from './yaml-file.js';

export interface ValidateOptions {
  /**
   * Validate only these files (paths relative to the registry folder; deleted files included),
   * plus the reference checks that involve them: refs they hold, and unchanged files whose refs
   * a deletion or a benchmark/dataset change may break. Unchanged files are taken to be valid
   * (they passed when merged), so their paths stand in for their content. Default: everything.
   */
  changed?: Iterable<string>;
  /** The time of the check, for runner keys revoked before a changed result merges (default: now). */
  now?: Date;
  /**
   * The home layout's `parseCache`: a whole-registry validation keeps result signatures' verdicts there
   * (trust/result-verifier.ts), so the next one verifies only results or runner keys that changed.
   */
  cacheDir?: string;
}

export interface ValidationReport {
  valid: boolean;
  /**
   * Entities per kind: every file at a layout path, whether or not it parsed. With `changed`, only
   * the changed files that exist are counted (the rest of the registry is not even listed).
   */
  entities: Record<Kind, number>;
  /** Sorted by file, line, column. */
  diagnostics: Diagnostic[];
}

/** The three layers (schema, layout, references) over a whole registry or over a change. */
export async function validateRegistry(
  source: FileSource,
  opts: ValidateOptions = {},
): Promise<ValidationReport> {
  const changed = opts.changed ? new Set([...opts.changed].map(normalize)) : undefined;
  if (changed && source.exists) {
    const report = await validateChangeByLookup(source, changed, opts.now);
    if (report) return report;
  }
  const files = await listRegistry(source);
  const paths = PathFacts.fromListing(files);
  const entities = emptyCounts();
  for (const file of files) {
    if (file.info && file.entry.type === 'file' && (!changed || changed.has(file.entry.path)))
      entities[file.info.kind]++;
  }

  const diagnostics = changed
    ? await validateChange(source, files, paths, changed, opts.now)
    : await validateAll(source, files, paths, opts.cacheDir);

  diagnostics.push(...(await duplicates(source, files, changed)));
  if (!paths.has('Registry', REGISTRY_REF) && (!changed || changed.has('registry.yaml'))) {
    diagnostics.push(
      error('layout.registry-missing', 'the registry has no registry.yaml; add one (kind Registry)', {
        file: displayPath(source, 'registry.yaml'),
      }),
    );
  }
  const sorted = sortDiagnostics(diagnostics);
  return { valid: !sorted.some((d) => d.severity === 'error'), entities, diagnostics: sorted };
}

/** Every file. Support kinds first, so the others' checks can read the few fields they need. */
async function validateAll(
  source: FileSource,
  files: ListedFile[],
  paths: PathFacts,
  cacheDir: string | undefined,
): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  // Symlinks, unknown paths and the like are refused without reading.
  const parseable: ListedFile[] = [];
  for (const file of files) {
    if (file.info && file.entry.type === 'file') parseable.push(file);
    else diagnostics.push(...(await loadFile(source, file)).diagnostics);
  }
  const workers = workerCount(parseable.length);
  if (workers > 0) {
    diagnostics.push(
      ...(await checkInWorkers(source, parseable, paths, workers, (_f, d) => d && diagnostics.push(d))),
    );
    return diagnostics;
  }
  const support = new SupportFacts();
  const facts = refFacts(paths, support);
  const isSupport = (f: ListedFile) => f.info !== undefined && SUPPORT_KINDS.includes(f.info.kind);
  // Result signatures are verified by worker threads while this thread goes on checking files.
  const verifier = new ResultSignatureVerifier({ ...signatureWorkers(), cacheDir });
  const pending: PendingSignature[] = [];
  const settle = (signature: PendingSignature) => (verdict: ResultSignatureVerdict) =>
    diagnostics.push(...signature.report(verdict));
  try {
    for (const file of [...parseable.filter(isSupport), ...parseable.filter((x) => !isSupport(x))]) {
      const info = file.info;
      if (!info) continue;
      let bytes: Uint8Array;
      try {
        bytes = await source.read(file.entry.path, MAX_FILE_BYTES);
      } catch (e) {
        diagnostics.push(unreadable(source, file, e));
        continue;
      }
      const checkedFile = checkFile(
        file.entry.path,
        displayPath(source, file.entry.path),
        info,
        bytes,
        facts,
        (signature) => pending.push(signature),
      );
      diagnostics.push(...checkedFile.diagnostics);
      if (checkedFile.entity) support.add(checkedFile.entity);
      // The file's blob id keys its verdict in the cache: the verdict depends on these bytes alone.
      const contentId = cacheDir && pending.length > 0 ? gitBlobId(bytes) : undefined;
      for (const signature of pending.splice(0)) {
        const job = contentId ? { ...signature.job, contentId } : signature.job;
        await verifier.add(job, signature.signers, settle(signature));
      }
    }
  } finally {
    await verifier.finish();
  }
  return diagnostics;
}

/** Changed files, and the unchanged files whose references the change may break. */
async function validateChange(
  source: FileSource,
  files: ListedFile[],
  paths: PathFacts,
  changed: Set<string>,
  now: Date | undefined,
): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const byPath = new Map(files.map((f) => [f.entry.path, f]));
  const loaded = new Map<string, LoadedEntity>();
  const support = new SupportFacts();
  const load = async (file: ListedFile, report: boolean) => {
    const loadedFile = await loadFile(source, file);
    if (report) diagnostics.push(...loadedFile.diagnostics);
    if (loadedFile.entity) {
      loaded.set(file.entry.path, loadedFile.entity);
      support.add(loadedFile.entity);
    }
    return loadedFile.entity;
  };

  const checked: LoadedEntity[] = [];
  for (const changedPath of changed) {
    const file = byPath.get(changedPath);
    if (!file) continue;
    const entity = await load(file, true);
    if (entity) {
      checked.push(entity);
      diagnostics.push(...checkLayout(entity), ...checkConsistency(entity));
    }
  }
  const refChecked = [...checked];
  const deleted = [...changed].filter((p) => !byPath.has(p));
  for (const file of await affectedFiles(source, files, deleted, checked)) {
    if (changed.has(file.entry.path) || loaded.has(file.entry.path)) continue;
    // Unchanged files are not re-reported for their own schema problems, only for broken refs.
    const entity = await load(file, false);
    if (entity) refChecked.push(entity);
  }
  // The few fields the checks read from other files: benchmark, dataset, runner.
  for (const entity of refChecked) {
    for (const [kind, ref] of supportFor(entity)) {
      const path = paths.has(kind, ref) ? entityPathOf(files, kind, ref) : undefined;
      const supportFile = path ? byPath.get(path) : undefined;
      if (supportFile && !loaded.has(supportFile.entry.path)) await load(supportFile, false);
    }
  }
  const facts = refFacts(paths, support);
  for (const entity of refChecked) diagnostics.push(...checkReferences(entity, facts));
  diagnostics.push(...provenance(refChecked, checked, support, now));
  return diagnostics;
}

/**
 * A change checked without listing the registry: each file a check needs is looked up by the path
 * its ref determines, and the unchanged files a deletion or a Benchmark/Dataset edit may break are
 * found by listing only the folders that can hold them (change-scope.ts). Returns undefined when the
 * change needs the whole listing: the source cannot look up or list folders, a changed path is a
 * symlink (or the like), or a deleted User/MLCube/registry.yaml (nearly any file may name them).
 */
async function validateChangeByLookup(
  source: FileSource,
  changed: Set<string>,
  now: Date | undefined,
): Promise<ValidationReport | undefined> {
  const exists = source.exists?.bind(source);
  if (!exists) return undefined;
  const diagnostics: Diagnostic[] = [];
  const entities = emptyCounts();
  const checked: LoadedEntity[] = [];
  const missing: string[] = [];
  await source.prefetch?.([...changed]);
  for (const path of changed) {
    if (!(await exists(path))) {
      missing.push(path);
      continue;
    }
    const info = classifyPath(path);
    const loadedFile = await loadFile(source, { entry: { path, type: 'file' }, info });
    diagnostics.push(...loadedFile.diagnostics);
    if (info) entities[info.kind]++;
    if (!loadedFile.entity) continue;
    checked.push(loadedFile.entity);
    diagnostics.push(...checkLayout(loadedFile.entity), ...checkConsistency(loadedFile.entity));
  }

  // Unchanged files the change may break, from the folders that can hold them.
  const refChecked = [...checked];
  const scopes: string[] = [];
  const deleted: string[] = [];
  for (const path of missing) {
    const info = classifyPath(path);
    if (!info) continue; // an unknown path that is gone: nothing can name it
    const folders = referrerFolders(info, true);
    if (!folders) return undefined;
    scopes.push(...folders);
    deleted.push(path);
  }
  for (const entity of checked) scopes.push(...(referrerFolders(entity.info, false) ?? []));
  if (missing.length > 0 || scopes.length > 0) {
    if (!source.listUnder) return undefined;
    // A changed path that is not a regular file but is there (a symlink): the listing path refuses it.
    if (missing.length > 0 && (await source.listUnder(missing)).some((f) => missing.includes(f.path))) {
      return undefined;
    }
    const listed = scopes.length ? await source.listUnder([...new Set(scopes)]) : [];
    const files = listed
      .filter((entry) => !changed.has(entry.path))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((entry) => ({ entry, info: classifyPath(entry.path) }));
    for (const file of await affectedFiles(source, files, deleted, checked)) {
      // Unchanged files are not re-reported for their own schema problems, only for broken refs.
      const loadedFile = await loadFile(source, file);
      if (loadedFile.entity) refChecked.push(loadedFile.entity);
    }
  }

  const known = new Map<string, boolean>();
  const has = async (kind: Kind, ref: string) => {
    const key = `${kind}\0${ref}`;
    let present = known.get(key);
    if (present === undefined) {
      present = await exists(entityPath(kind, ref));
      known.set(key, present);
    }
    return present;
  };
  const support = new SupportFacts();
  const supportRefs = refChecked.flatMap(supportFor).filter(([, ref]) => ref);
  await source.prefetch?.(supportRefs.map(([kind, ref]) => entityPath(kind, ref)));
  const supportLoaded = new Set<string>();
  for (const entity of refChecked) {
    for (const [kind, ref] of supportFor(entity)) {
      if (!ref || !(await has(kind, ref))) continue;
      const path = entityPath(kind, ref);
      if (supportLoaded.has(path)) continue;
      supportLoaded.add(path);
      const loadedFile = await loadFile(source, { entry: { path, type: 'file' }, info: classifyPath(path) });
      if (loadedFile.entity) support.add(loadedFile.entity);
    }
  }
  // checkReferences asks has() synchronously: record what it asks, look those up, and repeat until
  // it asks nothing new (a missing ref makes it ask about other kinds, for a better message).
  for (let round = 0; round < 4; round++) {
    const asked: [Kind, string][] = [];
    const recording = {
      has: (kind: Kind, ref: string) => {
        const present = known.get(`${kind}\0${ref}`);
        if (present === undefined) asked.push([kind, ref]);
        return present ?? true;
      },
      support,
    };
    for (const entity of refChecked) checkReferences(entity, recording);
    if (asked.length === 0) break;
    await source.prefetch?.(asked.map(([kind, ref]) => entityPath(kind, ref)));
    for (const [kind, ref] of asked) await has(kind, ref);
  }
  const facts = { has: (kind: Kind, ref: string) => known.get(`${kind}\0${ref}`) ?? false, support };
  for (const entity of refChecked) diagnostics.push(...checkReferences(entity, facts));
  diagnostics.push(...provenance(refChecked, checked, support, now));
  const sorted = sortDiagnostics(diagnostics);
  return { valid: !sorted.some((d) => d.severity === 'error'), entities, diagnostics: sorted };
}

function entityPathOf(files: ListedFile[], kind: Kind, ref: string): string | undefined {
  // Lower-case canonical path first; an upper-case duplicate is reported elsewhere.
  let found: string | undefined;
  for (const file of files) {
    if (file.info?.kind === kind && file.info.ref === ref) {
      if (!file.info.upperCase) return file.entry.path;
      found ??= file.entry.path;
    }
  }
  return found;
}

function normalize(filePath: string): string {
  return filePath.replace(/\\/g, '/').replace(/^\.\//, '');
}

function unreadable(source: FileSource, file: ListedFile, cause: unknown): Diagnostic {
  return error('file.unreadable', `cannot read the file: ${(cause as Error).message}`, {
    file: displayPath(source, file.entry.path),
  });
}

/** Names that differ only in case: their paths classify to the same ref. */
async function duplicates(
  source: FileSource,
  files: ListedFile[],
  changed?: Set<string>,
): Promise<Diagnostic[]> {
  const seen = new Map<string, ListedFile>();
  const out: Diagnostic[] = [];
  // Canonical (lower-case) paths claim the name first, so the upper-case copy is the one reported.
  const ordered = [...files].sort((a, b) => Number(a.info?.upperCase ?? 0) - Number(b.info?.upperCase ?? 0));
  for (const file of ordered) {
    if (!file.info || file.entry.type !== 'file') continue;
    const key = `${file.info.kind}\0${file.info.ref}`;
    const prev = seen.get(key);
    if (!prev) {
      seen.set(key, file);
      continue;
    }
    if (changed && !changed.has(file.entry.path) && !changed.has(prev.entry.path)) continue;
    const entity = (await loadFile(source, file)).entity;
    out.push(
      error(
        'layout.duplicate-name',
        `${file.info.kind} "${file.info.ref}" is defined twice (names are unique per kind, ignoring case): ${prev.entry.path} and ${file.entry.path}`,
        {
          file: displayPath(source, file.entry.path),
          ...(entity ? entity.position(['metadata', 'name']) : {}),
        },
      ),
    );
  }
  return out;
}

/**
 * Provenance of the results a change involves: the changed ones are being merged (current hashes, unrevoked
 * keys); unchanged ones a change may affect are as merged (a changed cube or dataset makes them stale).
 */
function provenance(
  entities: LoadedEntity[],
  changed: LoadedEntity[],
  support: SupportFacts,
  now: Date | undefined,
): Diagnostic[] {
  const atMerge = new Set(changed);
  return entities.flatMap((e) => checkResultProvenance(e, support, { atMerge: atMerge.has(e), now }));
}

function supportFor(entity: LoadedEntity): [Kind, string][] {
  const spec = entity.entity.spec as {
    benchmark?: string;
    dataset?: string;
    model?: string;
    execution?: { runnerRef?: string; cubes?: { ref?: string }[] };
  };
  if (entity.kind === 'DatasetAssociation')
    return [
      ['Benchmark', spec.benchmark ?? ''],
      ['Dataset', spec.dataset ?? ''],
    ];
  if (entity.kind === 'Result') {
    const out: [Kind, string][] = [
      ['Benchmark', spec.benchmark ?? ''],
      ['Dataset', spec.dataset ?? ''],
    ];
    if (spec.execution?.runnerRef) out.push(['Runner', spec.execution.runnerRef]);
    // The cubes a result records (their hashes are compared when the ref is the expected one).
    const cubes = new Set((spec.execution?.cubes ?? []).map((c) => c.ref ?? ''));
    for (const ref of cubes) if (ref) out.push(['MLCube', ref]);
    return out;
  }
  return [];
}

/** Kinds whose content may name an entity of the key kind (path-derived refs are handled apart). */
const CONTENT_REFERRERS: Partial<Record<Kind, Kind[]>> = {
  User: ['Benchmark', 'ModelAssociation', 'DatasetAssociation', 'Result'],
  MLCube: ['Benchmark', 'Dataset', 'ModelAssociation', 'DatasetAssociation', 'Result'],
  Dataset: ['Runner'],
  Runner: ['Result'],
};

/**
 * Unchanged files whose reference checks a change may break: referrers of deleted entities
 * (found by path where the path names the target, else by a text search of candidate files
 * before any parsing), results and dataset associations of a changed benchmark, and dataset
 * associations of a changed dataset (its preparator may have moved).
 */
async function affectedFiles(
  source: FileSource,
  files: ListedFile[],
  deleted: string[],
  changed: LoadedEntity[],
): Promise<ListedFile[]> {
  const out = new Set<ListedFile>();
  const entities = files.filter((f) => f.info && f.entry.type === 'file');
  const searchText = new Map<Kind, string[]>();

  for (const deletedPath of deleted) {
    const info = classifyPath(deletedPath);
    if (!info) continue;
    for (const file of entities) {
      const fileInfo = file.info;
      if (!fileInfo) continue;
      const hit =
        (info.kind === 'User' && fileInfo.owner === info.ref) ||
        (info.kind === 'MLCube' && fileInfo.model === info.ref) ||
        (info.kind === 'Dataset' && fileInfo.dataset === info.ref) ||
        (info.kind === 'Benchmark' && fileInfo.kind !== 'Benchmark' && fileInfo.benchmark === info.ref) ||
        (info.kind === 'ModelAssociation' &&
          fileInfo.kind === 'Result' &&
          fileInfo.benchmark === info.benchmark &&
          fileInfo.model === info.model) ||
        (info.kind === 'DatasetAssociation' &&
          fileInfo.kind === 'Result' &&
          fileInfo.benchmark === info.benchmark &&
          fileInfo.dataset === info.dataset);
      if (hit) out.add(file);
    }
    for (const referrerKind of CONTENT_REFERRERS[info.kind] ?? []) {
      const list = searchText.get(referrerKind) ?? [];
      list.push(info.ref);
      searchText.set(referrerKind, list);
    }
  }
  for (const changedEntity of changed) {
    for (const file of entities) {
      const fileInfo = file.info;
      if (!fileInfo) continue;
      if (
        changedEntity.kind === 'Benchmark' &&
        fileInfo.benchmark === changedEntity.ref &&
        (fileInfo.kind === 'Result' || fileInfo.kind === 'DatasetAssociation')
      )
        out.add(file);
      if (
        changedEntity.kind === 'Dataset' &&
        fileInfo.kind === 'DatasetAssociation' &&
        fileInfo.dataset === changedEntity.ref
      )
        out.add(file);
    }
  }
  if (searchText.size) {
    const decoder = new TextDecoder();
    for (const file of entities) {
      const needles = file.info ? searchText.get(file.info.kind) : undefined;
      if (!needles || out.has(file)) continue;
      let text: string;
      try {
        text = decoder.decode(await source.read(file.entry.path, MAX_FILE_BYTES));
      } catch {
        continue;
      }
      if (needles.some((n) => text.includes(n))) out.add(file);
    }
  }
  return [...out];
}
