import {
  datasetAssociationRef,
  type Kind,
  modelAssociationRef,
  NAME_RE,
  ownedRef,
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

const N = '([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)';
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
  const [a, b, c] = ref.split(':');
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
      return `benchmarks/${a}/models/${b.replace('/', '.')}.yaml`;
    case 'DatasetAssociation':
      return `benchmarks/${a}/datasets/${b.replace('/', '.')}.yaml`;
    case 'Result':
      return `benchmarks/${a}/results/${b}/${c.replace('/', '.')}.yaml`;
  }
}

/** Files the layout tolerates but that are not entities (documentation). */
export function isIgnoredPath(path: string): boolean {
  return path === 'README.md';
}

export function isName(s: string): boolean {
  return NAME_RE.test(s);
}
