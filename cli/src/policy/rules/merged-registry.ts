/**
 * The merged registry the rules consult (the base branch's tip), read as typed entities. A file that
 * does not pass its kind's schema reads as absent content: it grants nothing (no admin role, no
 * committee seat, no runner) and satisfies no "in operation" condition.
 */
import { type Entity, type Kind, REGISTRY_REF } from '../../registry/kinds.js';
import { classifyRepoPath, entityFolder, repoEntityPath, repoRegistryFolder } from '../../registry/layout.js';
import { conformsToSchema } from '../../registry/schema.js';
import type { PolicyEntity, RegistryView } from '../view.js';
import { formatWho, lowerCase } from './wording.js';

/** The typed content of a parsed file; undefined when absent, not valid YAML, or not passing its kind's schema. */
export function typedEntity<K extends Kind>(
  kind: K,
  document: PolicyEntity | undefined,
): Entity<K> | undefined {
  if (!document || document.problems.length > 0) return undefined;
  const content: unknown = document.data;
  return conformsToSchema(kind, content) ? content : undefined;
}

/** Reads these paths with one git process when the view can (GitView); a no-op otherwise. */
export function prefetch(view: RegistryView, paths: string[]): void {
  (view as { prefetch?: (paths: string[]) => void }).prefetch?.(paths);
}

export class MergedRegistry {
  private usersByLogin?: Map<string, Entity<'User'> | undefined>;
  constructor(readonly view: RegistryView) {}

  has(kind: Kind, ref: string): boolean {
    return this.view.has(repoEntityPath(kind, ref));
  }

  entity<K extends Kind>(kind: K, ref: string): Entity<K> | undefined {
    return typedEntity(kind, this.view.get(repoEntityPath(kind, ref)));
  }

  /** Every registered user (by the lower-case path), read once. */
  private get users(): Map<string, Entity<'User'> | undefined> {
    if (!this.usersByLogin) {
      const users = new Map<string, Entity<'User'> | undefined>();
      const paths = this.view.list(repoRegistryFolder(entityFolder({ kind: 'User' })));
      prefetch(this.view, paths);
      for (const path of paths) {
        const info = classifyRepoPath(path);
        if (info.kind === 'User' && !info.upperCase)
          users.set(info.ref, typedEntity('User', this.view.get(path)));
      }
      this.usersByLogin = users;
    }
    return this.usersByLogin;
  }

  /** The SSH public keys a user registers (`spec.sshKeys`) and the file that does; none for a non-user. */
  sshKeysOf(login: string): { keys: readonly string[]; file: string } {
    return { keys: this.users.get(login)?.spec.sshKeys ?? [], file: repoEntityPath('User', login) };
  }

  isUser(login: string): boolean {
    return this.has('User', login);
  }

  get admins(): string[] {
    const admins: string[] = [];
    for (const [login, user] of this.users) if (user?.spec.roles?.includes('admin')) admins.push(login);
    return admins.sort();
  }

  /** "an admin (@ada or @ben)", for messages; says so when there is none. */
  get adminsText(): string {
    const admins = this.admins;
    return admins.length > 0
      ? `an admin (${formatWho(admins)})`
      : 'an admin (the registry has none yet: add a user with roles: [admin])';
  }

  get bots(): string[] {
    return (this.entity('Registry', REGISTRY_REF)?.spec.bots ?? []).map(lowerCase);
  }

  /**
   * Reads what a result's rules look up once its benchmark is known (the committee's, data owner's and
   * model owner's User entities for the readers, the preparator and metrics cubes for provenance) with
   * one git process instead of one per entity.
   */
  prefetchForResult(benchmarkName: string, dataOwner: string, modelRef: string): void {
    const spec = this.benchmark(benchmarkName)?.spec;
    if (!spec) return;
    const logins = new Set([...spec.committee.map(lowerCase), dataOwner, modelRef.split('/')[0]]);
    prefetch(this.view, [
      ...[...logins].filter(Boolean).map((login) => repoEntityPath('User', login)),
      repoEntityPath('MLCube', spec.preparator),
      repoEntityPath('MLCube', spec.metrics),
    ]);
  }

  benchmark(name: string): Entity<'Benchmark'> | undefined {
    return this.entity('Benchmark', name);
  }

  committee(benchmarkName: string): string[] {
    return (this.benchmark(benchmarkName)?.spec.committee ?? []).map(lowerCase);
  }

  /**
   * Refs of the dataset owner's merged runners whose `spec.datasets` lists this dataset. Only the
   * owner's runners count: a runner serves only its owner's datasets (the validator's ref.runner-foreign-dataset).
   */
  runnersServing(datasetRef: string, datasetOwner: string): string[] {
    const paths = this.view.list(repoRegistryFolder(entityFolder({ kind: 'Runner', owner: datasetOwner })));
    prefetch(this.view, paths);
    const serving: string[] = [];
    for (const path of paths) {
      const info = classifyRepoPath(path);
      if (info.kind !== 'Runner' || info.upperCase) continue;
      if (typedEntity('Runner', this.view.get(path))?.spec.datasets.includes(datasetRef))
        serving.push(info.ref);
    }
    return serving;
  }

  /** Every merged runner with its owner and labels (a rule comparing labels reads them all, once). */
  runners(): Array<{ ref: string; owner: string; labels: string[] }> {
    const paths = this.view.list(repoRegistryFolder(entityFolder({ kind: 'Runner' })));
    prefetch(this.view, paths);
    const out: Array<{ ref: string; owner: string; labels: string[] }> = [];
    for (const path of paths) {
      const info = classifyRepoPath(path);
      if (info.kind !== 'Runner' || info.upperCase) continue;
      const runner = typedEntity('Runner', this.view.get(path));
      if (runner) out.push({ ref: info.ref, owner: runner.metadata.owner, labels: runner.spec.labels });
    }
    return out;
  }
}

/** The SSH keys `login` registers on a registry state, and the file (for the hook that checks merges). */
export function registeredSshKeys(
  view: RegistryView,
  login: string,
): { keys: readonly string[]; file: string } {
  return new MergedRegistry(view).sshKeysOf(login.toLowerCase());
}
