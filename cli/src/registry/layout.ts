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

/** One name as a capturing group. */
const NAME_GROUP = `(${NAME_PATTERN})`;
const PATTERNS: [RegExp, (match: RegExpExecArray) => Omit<PathInfo, 'upperCase'>][] = [
  [/^registry\.yaml$/, () => ({ kind: 'Registry', ref: REGISTRY_REF, name: '' })],
  [new RegExp(`^users/${NAME_GROUP}\\.yaml$`), (match) => ({ kind: 'User', ref: match[1], name: match[1] })],
  [
    new RegExp(`^mlcubes/${NAME_GROUP}/${NAME_GROUP}\\.yaml$`),
    (match) => ({ kind: 'MLCube', ref: ownedRef(match[1], match[2]), name: match[2], owner: match[1] }),
  ],
  [
    new RegExp(`^datasets/${NAME_GROUP}/${NAME_GROUP}\\.yaml$`),
    (match) => ({ kind: 'Dataset', ref: ownedRef(match[1], match[2]), name: match[2], owner: match[1] }),
  ],
  [
    new RegExp(`^runners/${NAME_GROUP}/${NAME_GROUP}\\.yaml$`),
    (match) => ({ kind: 'Runner', ref: ownedRef(match[1], match[2]), name: match[2], owner: match[1] }),
  ],
  [
    new RegExp(`^benchmarks/${NAME_GROUP}/benchmark\\.yaml$`),
    (match) => ({ kind: 'Benchmark', ref: match[1], name: match[1], benchmark: match[1] }),
  ],
  [
    new RegExp(`^benchmarks/${NAME_GROUP}/models/${NAME_GROUP}\\.${NAME_GROUP}\\.yaml$`),
    (match) => {
      const model = ownedRef(match[2], match[3]);
      return {
        kind: 'ModelAssociation',
        ref: modelAssociationRef(match[1], model),
        name: `${match[2]}.${match[3]}`,
        benchmark: match[1],
        model,
      };
    },
  ],
  [
    new RegExp(`^benchmarks/${NAME_GROUP}/datasets/${NAME_GROUP}\\.${NAME_GROUP}\\.yaml$`),
    (match) => {
      const dataset = ownedRef(match[2], match[3]);
      return {
        kind: 'DatasetAssociation',
        ref: datasetAssociationRef(match[1], dataset),
        name: `${match[2]}.${match[3]}`,
        benchmark: match[1],
        dataset,
      };
    },
  ],
  [
    new RegExp(
      `^benchmarks/${NAME_GROUP}/results/${NAME_GROUP}/${NAME_GROUP}/${NAME_GROUP}\\.${NAME_GROUP}\\.yaml$`,
    ),
    (match) => {
      const dataset = ownedRef(match[2], match[3]);
      const model = ownedRef(match[4], match[5]);
      return {
        kind: 'Result',
        ref: resultRef(match[1], dataset, model),
        name: `${match[4]}.${match[5]}`,
        owner: match[2],
        benchmark: match[1],
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
  const lowerCasePath = path.toLowerCase();
  for (const [pattern, describeMatch] of PATTERNS) {
    const match = pattern.exec(lowerCasePath);
    if (match) return { ...describeMatch(match), upperCase: lowerCasePath !== path };
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

/**
 * A folder of the layout, narrowed as far as the fields given: the kind's top folder, then (in path
 * order) its owner, benchmark or dataset. `*` in a field matches any (a FileSource.listUnder pattern).
 */
export type EntityFolderScope =
  | { kind: 'User' }
  | { kind: 'MLCube' | 'Dataset' | 'Runner'; owner?: string }
  | { kind: 'Benchmark'; benchmark?: string }
  | { kind: 'ModelAssociation' | 'DatasetAssociation'; benchmark: string }
  /** `dataset` (`owner/name`) narrows to one dataset's results, `dataOwner` to one owner's. */
  | { kind: 'Result'; benchmark: string; dataOwner?: string; dataset?: string };

/** The folder (relative to the registry folder) holding the entities `scope` describes. */
export function entityFolder(scope: EntityFolderScope): string {
  switch (scope.kind) {
    case 'User':
      return 'users';
    case 'MLCube':
      return scope.owner === undefined ? 'mlcubes' : `mlcubes/${scope.owner}`;
    case 'Dataset':
      return scope.owner === undefined ? 'datasets' : `datasets/${scope.owner}`;
    case 'Runner':
      return scope.owner === undefined ? 'runners' : `runners/${scope.owner}`;
    case 'Benchmark':
      return scope.benchmark === undefined ? 'benchmarks' : `benchmarks/${scope.benchmark}`;
    case 'ModelAssociation':
      return `benchmarks/${scope.benchmark}/models`;
    case 'DatasetAssociation':
      return `benchmarks/${scope.benchmark}/datasets`;
    case 'Result': {
      const results = `benchmarks/${scope.benchmark}/results`;
      if (scope.dataset !== undefined) return `${results}/${scope.dataset}`;
      return scope.dataOwner === undefined ? results : `${results}/${scope.dataOwner}`;
    }
  }
}

/**
 * The benchmark folder a path lies in (`benchmarks/<folder>/...`, the folder name as written), without
 * classifying the path: the leaderboard groups a large listing by it.
 */
export function benchmarkFolderOf(path: string): string | undefined {
  const top = `${entityFolder({ kind: 'Benchmark' })}/`;
  if (!path.startsWith(top)) return undefined;
  const slash = path.indexOf('/', top.length);
  return slash < 0 ? undefined : path.slice(top.length, slash);
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
