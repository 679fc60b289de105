import {
  datasetAssociationRef,
  type Kind,
  modelAssociationRef,
  NAME_PATTERN,
  ownedRef,
  pairName,
  REGISTRY_REF,
  resultRef,
} from './kinds.js';

/**
 * What a registry file's path says about the entity in it. Every fact here is checked against the
 * file's content by the layout layer, so once a file has passed validation its path can stand in
 * for its content (which is what makes `--changed-since` cheap).
 */
export interface PathInfo {
  kind: Kind;
  /** The entity's ref (see kinds.ts), derived from the path. */
  ref: string;
  /** metadata.name the file must carry. */
  name: string;
  /** metadata.owner the file must carry, where the path fixes it. */
  owner?: string;
  /** The benchmark folder, for Benchmark, associations and results. */
  benchmark?: string;
  /** The model ref `owner/cube` named by the path (ModelAssociation, Result). */
  model?: string;
  /** The dataset ref `owner/name` named by the path (DatasetAssociation, Result). */
  dataset?: string;
  /** true when the path has upper-case letters (refused: names are lower case). */
  upperCase: boolean;
}

const N = `(${NAME_PATTERN})`;
const PATTERNS: [RegExp, (m: RegExpExecArray) => Omit<PathInfo, 'upperCase'>][] = [
  [/^registry\.yaml$/, () => ({ kind: 'Registry', ref: REGISTRY_REF, name: '' })],
  [new RegExp(`^users/${N}\\.yaml$`), (m) => ({ kind: 'User', ref: m[1], name: m[1] })],
  [
    new RegExp(`^mlcubes/${N}/${N}\\.yaml$`),
    (m) => ({ kind: 'MLCube', ref: ownedRef(m[1], m[2]), name: m[2], owner: m[1] }),
  ],
  [
    new RegExp(`^datasets/${N}/${N}\\.yaml$`),
    (m) => ({ kind: 'Dataset', ref: ownedRef(m[1], m[2]), name: m[2], owner: m[1] }),
  ],
  [
    new RegExp(`^runners/${N}/${N}\\.yaml$`),
    (m) => ({ kind: 'Runner', ref: ownedRef(m[1], m[2]), name: m[2], owner: m[1] }),
  ],
  [
    new RegExp(`^benchmarks/${N}/benchmark\\.yaml$`),
    (m) => ({ kind: 'Benchmark', ref: m[1], name: m[1], benchmark: m[1] }),
  ],
  [
    new RegExp(`^benchmarks/${N}/models/${N}\\.${N}\\.yaml$`),
    (m) => {
      const model = ownedRef(m[2], m[3]);
      return {
        kind: 'ModelAssociation',
        ref: modelAssociationRef(m[1], model),
        name: `${m[2]}.${m[3]}`,
        benchmark: m[1],
        model,
      };
    },
  ],
  [
    new RegExp(`^benchmarks/${N}/datasets/${N}\\.${N}\\.yaml$`),
    (m) => {
      const dataset = ownedRef(m[2], m[3]);
      return {
        kind: 'DatasetAssociation',
        ref: datasetAssociationRef(m[1], dataset),
        name: `${m[2]}.${m[3]}`,
        benchmark: m[1],
        dataset,
      };
    },
  ],
  [
    new RegExp(`^benchmarks/${N}/results/${N}/${N}/${N}\\.${N}\\.yaml$`),
    (m) => {
      const dataset = ownedRef(m[2], m[3]);
      const model = ownedRef(m[4], m[5]);
      return {
        kind: 'Result',
        ref: resultRef(m[1], dataset, model),
        name: `${m[4]}.${m[5]}`,
        owner: m[2],
        benchmark: m[1],
        dataset,
        model,
      };
    },
  ],
];

/**
 * Which entity a path (relative to the registry folder, `/`-separated) holds, or undefined when
 * the layout defines no file there. Upper-case paths are classified as their lower-case form
 * with `upperCase: true`, so the caller can say "rename to lower case" rather than "unknown path".
 */
export function classifyPath(path: string): PathInfo | undefined {
  const lower = path.toLowerCase();
  for (const [re, make] of PATTERNS) {
    const m = re.exec(lower);
    if (m) return { ...make(m), upperCase: lower !== path };
  }
  return undefined;
}

/** The path (relative to the registry folder) where an entity of `kind` with `ref` lives. */
export function entityPath(kind: Kind, ref: string): string {
  const [benchmark, first, second] = ref.split(':');
  switch (kind) {
    case 'Registry':
      return 'registry.yaml';
    case 'User':
      return `users/${ref}.yaml`;
    case 'MLCube':
      return `mlcubes/${ref}.yaml`;
    case 'Dataset':
      return `datasets/${ref}.yaml`;
    case 'Runner':
      return `runners/${ref}.yaml`;
    case 'Benchmark':
      return `benchmarks/${ref}/benchmark.yaml`;
    case 'ModelAssociation':
      return `benchmarks/${benchmark}/models/${pairName(first)}.yaml`;
    case 'DatasetAssociation':
      return `benchmarks/${benchmark}/datasets/${pairName(first)}.yaml`;
    case 'Result':
      return `benchmarks/${benchmark}/results/${first}/${pairName(second)}.yaml`;
  }
}

/** Files the layout tolerates but that are not entities (documentation). */
export function isIgnoredPath(path: string): boolean {
  return path === 'README.md';
}

/*
 * Repository-relative paths. A registry repository keeps its registry in the `registry/` folder;
 * the policy, CODEOWNERS and submissions speak in repository paths (what git and GitHub see), the
 * validator in registry-relative ones. Both go through the one mapping above.
 */

/** The registry folder inside a registry repository. */
export const REGISTRY_DIR = 'registry';

/** A repository path the layout defines no entity for (code, workflows, unknown files under registry/). */
export interface OtherPath {
  kind: 'Other';
}

export type RepoPathInfo = PathInfo | OtherPath;

/** The registry-relative form of a repository path, or undefined when it is outside `registry/`. */
export function registryRelativePath(repoPath: string): string | undefined {
  const prefix = `${REGISTRY_DIR}/`;
  return repoPath.startsWith(prefix) ? repoPath.slice(prefix.length) : undefined;
}

/** What a repository path holds: exactly `classifyPath` of its registry-relative form, else `Other`. */
export function classifyRepoPath(repoPath: string): RepoPathInfo {
  const relative = registryRelativePath(repoPath);
  return (relative === undefined ? undefined : classifyPath(relative)) ?? { kind: 'Other' };
}

/** The repository path of an entity: `registry/` + `entityPath(kind, ref)`. */
export function repoEntityPath(kind: Kind, ref: string): string {
  return `${REGISTRY_DIR}/${entityPath(kind, ref)}`;
}

/** The repository path of a folder of the layout (`users`, `runners/<owner>`, …). */
export function repoRegistryFolder(relativeFolder: string): string {
  return `${REGISTRY_DIR}/${relativeFolder}`;
}
