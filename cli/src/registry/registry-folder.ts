/**
 * Whether a folder is a registry folder at all, before validating it: `validate .` at a repository's
 * root or `validate /tmp` would otherwise report every file there as a path the layout does not define.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

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
