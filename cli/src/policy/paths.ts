/**
 * What a repository path is, from its place alone. The layout is the contract CODEOWNERS and the
 * policy share, so the policy reasons from paths (which git and GitHub see) rather than file contents.
 */

export type EntityKind =
  | 'Registry'
  | 'User'
  | 'MLCube'
  | 'Dataset'
  | 'Runner'
  | 'Benchmark'
  | 'ModelAssociation'
  | 'DatasetAssociation'
  | 'Result';

export interface PathInfo {
  kind: EntityKind | 'Other';
  /** Registry-relative folder of the registry inside the repository. */
  path: string;
  /** Owner login from the folder (MLCube, Dataset, Runner), or the user login (User). */
  owner?: string;
  /** Entity name from the file name. */
  name?: string;
  /** Benchmark name for Benchmark, associations and results. */
  benchmark?: string;
  /** `owner/name` of the MLCube (ModelAssociation, Result) or Dataset (DatasetAssociation, Result). */
  model?: string;
  dataset?: string;
}

export const REGISTRY_DIR = 'registry';

const NAME = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const LOGIN = '[a-z0-9](?:[a-z0-9-]{0,38})'; // logins are lower-case in paths
const patterns: Array<[RegExp, (m: RegExpMatchArray) => Omit<PathInfo, 'path'>]> = [
  [/^registry\/registry\.yaml$/, () => ({ kind: 'Registry' })],
  [new RegExp(`^registry/users/(${LOGIN})\\.yaml$`), (m) => ({ kind: 'User', owner: m[1], name: m[1] })],
  [
    new RegExp(`^registry/mlcubes/(${LOGIN})/(${NAME})\\.yaml$`),
    (m) => ({ kind: 'MLCube', owner: m[1], name: m[2] }),
  ],
  [
    new RegExp(`^registry/datasets/(${LOGIN})/(${NAME})\\.yaml$`),
    (m) => ({ kind: 'Dataset', owner: m[1], name: m[2] }),
  ],
  [
    new RegExp(`^registry/runners/(${LOGIN})/(${NAME})\\.yaml$`),
    (m) => ({ kind: 'Runner', owner: m[1], name: m[2] }),
  ],
  [
    new RegExp(`^registry/benchmarks/(${NAME})/benchmark\\.yaml$`),
    (m) => ({ kind: 'Benchmark', name: m[1], benchmark: m[1] }),
  ],
  [
    new RegExp(`^registry/benchmarks/(${NAME})/models/(${LOGIN})\\.(${NAME})\\.yaml$`),
    (m) => ({
      kind: 'ModelAssociation',
      benchmark: m[1],
      owner: m[2],
      name: `${m[2]}.${m[3]}`,
      model: `${m[2]}/${m[3]}`,
    }),
  ],
  [
    new RegExp(`^registry/benchmarks/(${NAME})/datasets/(${LOGIN})\\.(${NAME})\\.yaml$`),
    (m) => ({
      kind: 'DatasetAssociation',
      benchmark: m[1],
      owner: m[2],
      name: `${m[2]}.${m[3]}`,
      dataset: `${m[2]}/${m[3]}`,
    }),
  ],
  [
    new RegExp(`^registry/benchmarks/(${NAME})/results/(${LOGIN})/(${NAME})/(${LOGIN})\\.(${NAME})\\.yaml$`),
    (m) => ({
      kind: 'Result',
      benchmark: m[1],
      owner: m[2],
      dataset: `${m[2]}/${m[3]}`,
      model: `${m[4]}/${m[5]}`,
      name: `${m[4]}.${m[5]}`,
    }),
  ],
];

/** Classifies a repository-relative path. Anything the layout does not name is `Other`. */
export function classifyPath(path: string): PathInfo {
  for (const [re, build] of patterns) {
    const m = path.match(re);
    if (m) return { path, ...build(m) };
  }
  return { path, kind: 'Other' };
}

export const userPath = (login: string) => `registry/users/${login}.yaml`;
export const benchmarkPath = (b: string) => `registry/benchmarks/${b}/benchmark.yaml`;
export const mlcubePath = (ref: string) => `registry/mlcubes/${ref}.yaml`;
export const datasetPath = (ref: string) => `registry/datasets/${ref}.yaml`;
export const modelAssociationPath = (b: string, model: string) =>
  `registry/benchmarks/${b}/models/${model.replace('/', '.')}.yaml`;
export const datasetAssociationPath = (b: string, dataset: string) =>
  `registry/benchmarks/${b}/datasets/${dataset.replace('/', '.')}.yaml`;
export const REGISTRY_FILE = 'registry/registry.yaml';
export const USERS_DIR = 'registry/users';
export const RUNNERS_DIR = 'registry/runners';
