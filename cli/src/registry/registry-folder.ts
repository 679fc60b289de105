/**
 * Whether a folder is a registry folder at all, before validating it: `validate .` at a repository's
 * root or `validate /tmp` would otherwise report every file there as a path the layout does not define.
 * And where the registry folder is, given it or the repository holding it.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** What only a registry folder holds at its top (the layout's registry.yaml and entity folders). */
const REGISTRY_TOP_ENTRIES = ['registry.yaml', 'users', 'mlcubes', 'datasets', 'runners', 'benchmarks'];

export interface RegistryFolderCheck {
  isRegistry: boolean;
  /** A registry folder inside it (a registry repository's root holds one at registry/). */
  suggestion?: string;
}

export function checkRegistryFolder(dir: string): RegistryFolderCheck {
  if (REGISTRY_TOP_ENTRIES.some((entry) => existsSync(join(dir, entry)))) return { isRegistry: true };
  const inner = join(dir, 'registry');
  return existsSync(join(inner, 'registry.yaml'))
    ? { isRegistry: false, suggestion: inner }
    : { isRegistry: false };
}

const exists = async (path: string) => Boolean(await stat(path).catch(() => undefined));

/** Find the registry folder from `dir` (the folder itself, or a repository with a `registry/` folder). */
export async function findRegistryDir(dir: string = process.cwd()): Promise<string | undefined> {
  const folder = resolve(dir);
  if (await exists(join(folder, 'registry.yaml'))) return folder;
  if (await exists(join(folder, 'registry', 'registry.yaml'))) return join(folder, 'registry');
  return undefined;
}
