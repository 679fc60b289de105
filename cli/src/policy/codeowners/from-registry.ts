import { classifyPath, REGISTRY_FILE, USERS_DIR } from '../paths.js';
import type { RegistryView } from '../view.js';
import type { CodeownersInput } from './generate.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const logins = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase()) : [];

/** Users, admins, admin team and benchmark committees of a registry state: all CODEOWNERS needs. */
export function codeownersInputFrom(view: RegistryView): CodeownersInput {
  const userPaths = view.list(USERS_DIR).filter((p) => classifyPath(p).kind === 'User');
  const benchPaths = view.list('registry/benchmarks').filter((p) => classifyPath(p).kind === 'Benchmark');
  (view as { prefetch?: (p: string[]) => void }).prefetch?.([...userPaths, ...benchPaths, REGISTRY_FILE]);
  const users: string[] = [];
  const admins: string[] = [];
  for (const p of userPaths) {
    const login = classifyPath(p).owner ?? '';
    users.push(login);
    if (logins(obj(view.get(p)?.data.spec).roles).includes('admin')) admins.push(login);
  }
  const benchmarks = benchPaths.map((p) => ({
    name: classifyPath(p).benchmark ?? '',
    committee: logins(obj(view.get(p)?.data.spec).committee),
  }));
  const team = obj(view.get(REGISTRY_FILE)?.data.spec).adminTeam;
  return { users, admins, benchmarks, ...(typeof team === 'string' && team ? { adminTeam: team } : {}) };
}
