import { type Diagnostic, error, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { displayPath, type FileSource } from './file-source.js';
import { emptyCounts, type Kind, REGISTRY_REF } from './kinds.js';
import { classifyPath } from './layout.js';
import { checkLayout } from './layout-rules.js';
import { type ListedFile, type LoadedEntity, listRegistry, loadFile } from './loader.js';
import { checkReferences, type RefFacts } from './references.js';
import { MAX_FILE_BYTES } from './yaml-file.js';

export interface ValidateOptions {
  /**
   * Validate only these files (paths relative to the registry folder; deleted files included),
   * plus the reference checks that involve them: refs they hold, and unchanged files whose refs
   * a deletion or a benchmark/dataset change may break. Unchanged files are taken to be valid
   * (they passed when merged), so their paths stand in for their content. Default: everything.
   */
  changed?: Iterable<string>;
}

export interface ValidationReport {
  valid: boolean;
  /** Entities per kind: every file at a layout path, whether or not it was parsed. */
  entities: Record<Kind, number>;
  /** Sorted by file, line, column. */
  diagnostics: Diagnostic[];
}

/** The three layers (schema, layout, references) over a whole registry or over a change. */
export async function validateRegistry(
  source: FileSource,
  opts: ValidateOptions = {},
): Promise<ValidationReport> {
  const files = await listRegistry(source);
  const facts = new Facts(files);
  const diagnostics: Diagnostic[] = [];
  const entities = emptyCounts();
  for (const f of files) if (f.info && f.entry.type === 'file') entities[f.info.kind]++;

  const changed = opts.changed ? new Set([...opts.changed].map(normalize)) : undefined;
  const byPath = new Map(files.map((f) => [f.entry.path, f]));
  const toCheck = changed ? files.filter((f) => changed.has(f.entry.path)) : files;

  // Layers 1 and 2 (schema via loading, then layout) on the files under review.
  const checked: LoadedEntity[] = [];
  for (const f of toCheck) {
    const r = await loadFile(source, f);
    diagnostics.push(...r.diagnostics);
    if (r.entity) {
      facts.add(r.entity);
      checked.push(r.entity);
      diagnostics.push(...checkLayout(r.entity));
    }
  }
  diagnostics.push(...facts.duplicates(source, changed));
  if (!facts.has('Registry', REGISTRY_REF) && (!changed || changed.has('registry.yaml'))) {
    diagnostics.push(
      error('layout.registry-missing', 'the registry has no registry.yaml; add one (kind Registry)', {
        file: displayPath(source, 'registry.yaml'),
      }),
    );
  }

  // Layer 3. In a change, also re-check unchanged files whose references the change may break.
  const refChecked = [...checked];
  if (changed) {
    const deleted = [...changed].filter((p) => !byPath.has(p));
    const affected = await affectedFiles(source, files, deleted, checked);
    for (const f of affected) {
      if (changed.has(f.entry.path) || facts.loaded(f.entry.path)) continue;
      const r = await loadFile(source, f);
      // Unchanged files are not re-reported for their own schema problems, only for broken refs.
      if (r.entity) {
        facts.add(r.entity);
        refChecked.push(r.entity);
      }
    }
    // Content the checks consult: the benchmark of an association or result, the dataset of a
    // dataset association, the runner of a result.
    for (const e of refChecked) {
      for (const [kind, ref] of supportFor(e)) {
        if (facts.get(kind, ref) || !facts.has(kind, ref)) continue;
        const f = facts.listed(kind, ref);
        if (!f) continue;
        const r = await loadFile(source, f);
        if (r.entity) facts.add(r.entity);
      }
    }
  }
  for (const e of refChecked) diagnostics.push(...checkReferences(e, facts));

  const sorted = sortDiagnostics(diagnostics);
  return { valid: !sorted.some((d) => d.severity === 'error'), entities, diagnostics: sorted };
}

function normalize(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** Path-level existence plus whatever content has been loaded. */
class Facts implements RefFacts {
  private readonly exists = new Map<Kind, Map<string, ListedFile>>();
  private readonly dupes: ListedFile[][] = [];
  private readonly content = new Map<string, LoadedEntity>();
  private readonly byFilePath = new Set<string>();

  constructor(files: ListedFile[]) {
    for (const f of files) {
      if (!f.info || f.entry.type !== 'file') continue;
      let m = this.exists.get(f.info.kind);
      if (!m) {
        m = new Map();
        this.exists.set(f.info.kind, m);
      }
      const prev = m.get(f.info.ref);
      if (prev) this.dupes.push([prev, f]);
      else m.set(f.info.ref, f);
    }
  }

  has(kind: Kind, ref: string): boolean {
    return this.exists.get(kind)?.has(ref) ?? false;
  }
  listed(kind: Kind, ref: string): ListedFile | undefined {
    return this.exists.get(kind)?.get(ref);
  }
  get<K extends Kind>(kind: K, ref: string): LoadedEntity<K> | undefined {
    return this.content.get(`${kind}\0${ref}`) as LoadedEntity<K> | undefined;
  }
  loaded(path: string): boolean {
    return this.byFilePath.has(path);
  }
  add(e: LoadedEntity): void {
    this.byFilePath.add(e.path);
    // With duplicate files the one at the canonical (lower-case) path wins.
    if (!this.content.has(`${e.kind}\0${e.ref}`) || !e.info.upperCase)
      this.content.set(`${e.kind}\0${e.ref}`, e);
  }
  /** Names that differ only in case (their paths classify to the same ref). */
  duplicates(source: FileSource, changed: Set<string> | undefined): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const [a, b] of this.dupes) {
      if (changed && !changed.has(a.entry.path) && !changed.has(b.entry.path)) continue;
      const e = [...this.content.values()].find((x) => x.path === b.entry.path);
      out.push(
        error(
          'layout.duplicate-name',
          `${b.info?.kind} "${b.info?.ref}" is defined twice (names are unique per kind, ignoring case): ${a.entry.path} and ${b.entry.path}`,
          { file: displayPath(source, b.entry.path), ...(e ? e.position(['metadata', 'name']) : {}) },
        ),
      );
    }
    return out;
  }
}

function supportFor(e: LoadedEntity): [Kind, string][] {
  const spec = e.entity.spec as { benchmark?: string; dataset?: string; execution?: { runnerRef?: string } };
  if (e.kind === 'DatasetAssociation')
    return [
      ['Benchmark', spec.benchmark ?? ''],
      ['Dataset', spec.dataset ?? ''],
    ];
  if (e.kind === 'Result') {
    const out: [Kind, string][] = [['Benchmark', spec.benchmark ?? '']];
    if (spec.execution?.runnerRef) out.push(['Runner', spec.execution.runnerRef]);
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
    const ref = info.ref;
    for (const f of entities) {
      const i = f.info;
      if (!i) continue;
      switch (info.kind) {
        case 'User':
          if (i.owner === ref || (i.kind === 'Result' && i.owner === ref)) out.add(f);
          break;
        case 'MLCube':
          if (i.model === ref) out.add(f);
          break;
        case 'Dataset':
          if (i.dataset === ref) out.add(f);
          break;
        case 'Benchmark':
          if (i.benchmark === ref && i.kind !== 'Benchmark') out.add(f);
          break;
        case 'ModelAssociation':
          if (i.kind === 'Result' && i.benchmark === info.benchmark && i.model === info.model) out.add(f);
          break;
        case 'DatasetAssociation':
          if (i.kind === 'Result' && i.benchmark === info.benchmark && i.dataset === info.dataset) out.add(f);
          break;
        default:
          break;
      }
    }
    for (const k of CONTENT_REFERRERS[info.kind] ?? []) {
      const list = searchText.get(k) ?? [];
      list.push(ref);
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
