import { KINDS, type Kind, REGISTRY_REF } from './kinds.js';
import type { LoadedEntity } from './loader.js';

/** Loaded entities by kind and ref, for lookups by other modules (policy, workflows, leaderboard). */
export class RegistryIndex {
  private readonly byKind = new Map<Kind, Map<string, LoadedEntity>>();
  private readonly byPath = new Map<string, LoadedEntity>();

  constructor(entities: Iterable<LoadedEntity>) {
    for (const k of KINDS) this.byKind.set(k, new Map());
    for (const entity of entities) {
      this.byKind.get(entity.kind)?.set(entity.ref, entity);
      this.byPath.set(entity.path, entity);
    }
  }

  /** The entity of `kind` with `ref` (see kinds.ts for ref forms), if loaded. */
  get<K extends Kind>(kind: K, ref: string): LoadedEntity<K> | undefined {
    return this.byKind.get(kind)?.get(ref) as LoadedEntity<K> | undefined;
  }

  /** The entity loaded from `path` (relative to the registry folder). */
  atPath(path: string): LoadedEntity | undefined {
    return this.byPath.get(path);
  }

  /** Every loaded entity of `kind`, sorted by ref. */
  list<K extends Kind>(kind: K): LoadedEntity<K>[] {
    return [...(this.byKind.get(kind)?.values() ?? [])].sort((a, b) =>
      a.ref < b.ref ? -1 : 1,
    ) as LoadedEntity<K>[];
  }

  users(): LoadedEntity<'User'>[] {
    return this.list('User');
  }

  /** Users with the admin role. */
  admins(): LoadedEntity<'User'>[] {
    return this.users().filter((u) => u.entity.spec.roles?.includes('admin'));
  }

  /** registry/registry.yaml, if it loaded. */
  registry(): LoadedEntity<'Registry'> | undefined {
    return this.get('Registry', REGISTRY_REF);
  }

  /** Model associations of one benchmark. */
  modelAssociations(benchmark: string): LoadedEntity<'ModelAssociation'>[] {
    return this.list('ModelAssociation').filter((e) => e.info.benchmark === benchmark);
  }

  /** Dataset associations of one benchmark. */
  datasetAssociations(benchmark: string): LoadedEntity<'DatasetAssociation'>[] {
    return this.list('DatasetAssociation').filter((e) => e.info.benchmark === benchmark);
  }

  /** Results of one benchmark. */
  results(benchmark: string): LoadedEntity<'Result'>[] {
    return this.list('Result').filter((e) => e.info.benchmark === benchmark);
  }

  /** Number of loaded entities per kind. */
  counts(): Record<Kind, number> {
    return Object.fromEntries(KINDS.map((k) => [k, this.byKind.get(k)?.size ?? 0])) as Record<Kind, number>;
  }
}
