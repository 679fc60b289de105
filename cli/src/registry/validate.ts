import { type Diagnostic, error, sortDiagnostics } from '../diagnostics/diagnostic.js';
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
  for (const f of files) {
    if (f.info && f.entry.type === 'file' && (!changed || changed.has(f.entry.path))) entities[f.info.kind]++;
  }

  const diagnostics = changed
    ? await validateChange(source, files, paths, changed, opts.now)
    : await validateAll(source, files, paths);

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
async function validateAll(source: FileSource, files: ListedFile[], paths: PathFacts): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  // Symlinks, unknown paths and the like are refused without reading.
  const parseable: ListedFile[] = [];
  for (const f of files) {
    if (f.info && f.entry.type === 'file') parseable.push(f);
    else diagnostics.push(...(await loadFile(source, f)).diagnostics);
  }
  const n = workerCount(parseable.length);
  if (n > 0) {
    diagnostics.push(
      ...(await checkInWorkers(source, parseable, paths, n, (_f, d) => d && diagnostics.push(d))),
    );
    return diagnostics;
  }
  const support = new SupportFacts();
  const facts = refFacts(paths, support);
  const isSupport = (f: ListedFile) => f.info !== undefined && SUPPORT_KINDS.includes(f.info.kind);
  // Result signatures are verified by worker threads while this thread goes on checking files.
  const verifier = new ResultSignatureVerifier(signatureWorkers());
  const pending: PendingSignature[] = [];
  const settle = (signature: PendingSignature) => (verdict: ResultSignatureVerdict) =>
    diagnostics.push(...signature.report(verdict));
  try {
    for (const f of [...parseable.filter(isSupport), ...parseable.filter((x) => !isSupport(x))]) {
      const info = f.info;
      if (!info) continue;
      let bytes: Uint8Array;
      try {
        bytes = await source.read(f.entry.path, MAX_FILE_BYTES);
      } catch (e) {
        diagnostics.push(unreadable(source, f, e));
        continue;
      }
      const r = checkFile(f.entry.path, displayPath(source, f.entry.path), info, bytes, facts, (p) =>
        pending.push(p),
      );
      diagnostics.push(...r.diagnostics);
      if (r.entity) support.add(r.entity);
      for (const signature of pending.splice(0)) {
        await verifier.add(signature.job, signature.signers, settle(signature));
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
  const load = async (f: ListedFile, report: boolean) => {
    const r = await loadFile(source, f);
    if (report) diagnostics.push(...r.diagnostics);
    if (r.entity) {
      loaded.set(f.entry.path, r.entity);
      support.add(r.entity);
    }
    return r.entity;
  };

  const checked: LoadedEntity[] = [];
  for (const p of changed) {
    const f = byPath.get(p);
    if (!f) continue;
    const e = await load(f, true);
    if (e) {
      checked.push(e);
      diagnostics.push(...checkLayout(e), ...checkConsistency(e));
    }
  }
  const refChecked = [...checked];
  const deleted = [...changed].filter((p) => !byPath.has(p));
  for (const f of await affectedFiles(source, files, deleted, checked)) {
    if (changed.has(f.entry.path) || loaded.has(f.entry.path)) continue;
    // Unchanged files are not re-reported for their own schema problems, only for broken refs.
    const e = await load(f, false);
    if (e) refChecked.push(e);
  }
  // The few fields the checks read from other files: benchmark, dataset, runner.
  for (const e of refChecked) {
    for (const [kind, ref] of supportFor(e)) {
      const path = paths.has(kind, ref) ? entityPathOf(files, kind, ref) : undefined;
      const f = path ? byPath.get(path) : undefined;
      if (f && !loaded.has(f.entry.path)) await load(f, false);
    }
  }
  const facts = refFacts(paths, support);
  for (const e of refChecked) diagnostics.push(...checkReferences(e, facts));
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
    const r = await loadFile(source, { entry: { path, type: 'file' }, info });
    diagnostics.push(...r.diagnostics);
    if (info) entities[info.kind]++;
    if (!r.entity) continue;
    checked.push(r.entity);
    diagnostics.push(...checkLayout(r.entity), ...checkConsistency(r.entity));
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
  for (const e of checked) scopes.push(...(referrerFolders(e.info, false) ?? []));
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
    for (const f of await affectedFiles(source, files, deleted, checked)) {
      // Unchanged files are not re-reported for their own schema problems, only for broken refs.
      const r = await loadFile(source, f);
      if (r.entity) refChecked.push(r.entity);
    }
  }

  const known = new Map<string, boolean>();
  const has = async (kind: Kind, ref: string) => {
    const key = `${kind}\0${ref}`;
    let v = known.get(key);
    if (v === undefined) {
      v = await exists(entityPath(kind, ref));
      known.set(key, v);
    }
    return v;
  };
  const support = new SupportFacts();
  const supportRefs = refChecked.flatMap(supportFor).filter(([, ref]) => ref);
  await source.prefetch?.(supportRefs.map(([kind, ref]) => entityPath(kind, ref)));
  const supportLoaded = new Set<string>();
  for (const e of refChecked) {
    for (const [kind, ref] of supportFor(e)) {
      if (!ref || !(await has(kind, ref))) continue;
      const path = entityPath(kind, ref);
      if (supportLoaded.has(path)) continue;
      supportLoaded.add(path);
      const r = await loadFile(source, { entry: { path, type: 'file' }, info: classifyPath(path) });
      if (r.entity) support.add(r.entity);
    }
  }
  // checkReferences asks has() synchronously: record what it asks, look those up, and repeat until
  // it asks nothing new (a missing ref makes it ask about other kinds, for a better message).
  for (let round = 0; round < 4; round++) {
    const asked: [Kind, string][] = [];
    const recording = {
      has: (kind: Kind, ref: string) => {
        const v = known.get(`${kind}\0${ref}`);
        if (v === undefined) asked.push([kind, ref]);
        return v ?? true;
      },
      support,
    };
    for (const e of refChecked) checkReferences(e, recording);
    if (asked.length === 0) break;
    await source.prefetch?.(asked.map(([kind, ref]) => entityPath(kind, ref)));
    for (const [kind, ref] of asked) await has(kind, ref);
  }
  const facts = { has: (kind: Kind, ref: string) => known.get(`${kind}\0${ref}`) ?? false, support };
  for (const e of refChecked) diagnostics.push(...checkReferences(e, facts));
  diagnostics.push(...provenance(refChecked, checked, support, now));
  const sorted = sortDiagnostics(diagnostics);
  return { valid: !sorted.some((d) => d.severity === 'error'), entities, diagnostics: sorted };
}

function entityPathOf(files: ListedFile[], kind: Kind, ref: string): string | undefined {
  // Lower-case canonical path first; an upper-case duplicate is reported elsewhere.
  let found: string | undefined;
  for (const f of files) {
    if (f.info?.kind === kind && f.info.ref === ref) {
      if (!f.info.upperCase) return f.entry.path;
      found ??= f.entry.path;
    }
  }
  return found;
}

function normalize(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

function unreadable(source: FileSource, f: ListedFile, e: unknown): Diagnostic {
  return error('file.unreadable', `cannot read the file: ${(e as Error).message}`, {
    file: displayPath(source, f.entry.path),
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
  for (const f of ordered) {
    if (!f.info || f.entry.type !== 'file') continue;
    const key = `${f.info.kind}\0${f.info.ref}`;
    const prev = seen.get(key);
    if (!prev) {
      seen.set(key, f);
      continue;
    }
    if (changed && !changed.has(f.entry.path) && !changed.has(prev.entry.path)) continue;
    const e = (await loadFile(source, f)).entity;
    out.push(
      error(
        'layout.duplicate-name',
        `${f.info.kind} "${f.info.ref}" is defined twice (names are unique per kind, ignoring case): ${prev.entry.path} and ${f.entry.path}`,
        { file: displayPath(source, f.entry.path), ...(e ? e.position(['metadata', 'name']) : {}) },
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

function supportFor(e: LoadedEntity): [Kind, string][] {
  const spec = e.entity.spec as {
    benchmark?: string;
    dataset?: string;
    model?: string;
    execution?: { runnerRef?: string; cubes?: { ref?: string }[] };
  };
  if (e.kind === 'DatasetAssociation')
    return [
      ['Benchmark', spec.benchmark ?? ''],
      ['Dataset', spec.dataset ?? ''],
    ];
  if (e.kind === 'Result') {
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

  for (const p of deleted) {
    const info = classifyPath(p);
    if (!info) continue;
    for (const f of entities) {
      const i = f.info;
      if (!i) continue;
      const hit =
        (info.kind === 'User' && i.owner === info.ref) ||
        (info.kind === 'MLCube' && i.model === info.ref) ||
        (info.kind === 'Dataset' && i.dataset === info.ref) ||
        (info.kind === 'Benchmark' && i.kind !== 'Benchmark' && i.benchmark === info.ref) ||
        (info.kind === 'ModelAssociation' &&
          i.kind === 'Result' &&
          i.benchmark === info.benchmark &&
          i.model === info.model) ||
        (info.kind === 'DatasetAssociation' &&
          i.kind === 'Result' &&
          i.benchmark === info.benchmark &&
          i.dataset === info.dataset);
      if (hit) out.add(f);
    }
    for (const k of CONTENT_REFERRERS[info.kind] ?? []) {
      const list = searchText.get(k) ?? [];
      list.push(info.ref);
      searchText.set(k, list);
    }
  }
  for (const e of changed) {
    for (const f of entities) {
      const i = f.info;
      if (!i) continue;
      if (
        e.kind === 'Benchmark' &&
        i.benchmark === e.ref &&
        (i.kind === 'Result' || i.kind === 'DatasetAssociation')
      )
        out.add(f);
      if (e.kind === 'Dataset' && i.kind === 'DatasetAssociation' && i.dataset === e.ref) out.add(f);
    }
  }
  if (searchText.size) {
    const decoder = new TextDecoder();
    for (const f of entities) {
      const needles = f.info ? searchText.get(f.info.kind) : undefined;
      if (!needles || out.has(f)) continue;
      let text: string;
      try {
        text = decoder.decode(await source.read(f.entry.path, MAX_FILE_BYTES));
      } catch {
        continue;
      }
      if (needles.some((n) => text.includes(n))) out.add(f);
    }
  }
  return [...out];
}
