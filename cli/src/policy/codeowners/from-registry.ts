import { REGISTRY_REF } from '../../registry/kinds.js';
import { classifyRepoPath, entityFolder, repoEntityPath, repoRegistryFolder } from '../../registry/layout.js';
import { prefetch } from '../rules/merged-registry.js';
import type { RegistryView } from '../view.js';
import type { CodeownersInput } from './generate.js';

// CODEOWNERS only routes review requests (the policy check enforces), so it reads what it can from
// files even when they are incomplete, rather than only schema-valid entities.
type Mapping = Record<string, unknown>;
const mapping = (value: unknown): Mapping =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Mapping) : {};
const logins = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string').map((login) => login.toLowerCase())
    : [];

/** Users, admins, admin team and benchmark committees of a registry state: all CODEOWNERS needs. */
export function codeownersInputFrom(view: RegistryView): CodeownersInput {
  const refsOfKind = (kind: 'User' | 'Benchmark') =>
    view.list(repoRegistryFolder(entityFolder({ kind }))).flatMap((path) => {
      const info = classifyRepoPath(path);
      return info.kind === kind && !info.upperCase ? [{ path, ref: info.ref }] : [];
    });
  const userFiles = refsOfKind('User');
  const benchmarkFiles = refsOfKind('Benchmark');
  const registryFile = repoEntityPath('Registry', REGISTRY_REF);
  prefetch(view, [
    ...userFiles.map((file) => file.path),
    ...benchmarkFiles.map((file) => file.path),
    registryFile,
  ]);
  const users: string[] = [];
  const admins: string[] = [];
  for (const { path, ref } of userFiles) {
    users.push(ref);
    if (logins(mapping(view.get(path)?.data.spec).roles).includes('admin')) admins.push(ref);
  }
  const benchmarks = benchmarkFiles.map(({ path, ref }) => ({
    name: ref,
    committee: logins(mapping(view.get(path)?.data.spec).committee),
  }));
  const team = mapping(view.get(registryFile)?.data.spec).adminTeam;
  return { users, admins, benchmarks, ...(typeof team === 'string' && team ? { adminTeam: team } : {}) };
}
