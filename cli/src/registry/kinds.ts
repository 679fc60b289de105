import type {
  Benchmark,
  Dataset,
  DatasetAssociation,
  MLCube,
  ModelAssociation,
  Registry,
  Result,
  Runner,
  User,
} from './types.generated.js';

/** Every entity kind, in the order reports list them. */
export const KINDS = [
  'Registry',
  'User',
  'MLCube',
  'Dataset',
  'Benchmark',
  'ModelAssociation',
  'DatasetAssociation',
  'Result',
  'Runner',
] as const;

export type Kind = (typeof KINDS)[number];

export interface EntityByKind {
  Registry: Registry;
  User: User;
  MLCube: MLCube;
  Dataset: Dataset;
  Benchmark: Benchmark;
  ModelAssociation: ModelAssociation;
  DatasetAssociation: DatasetAssociation;
  Result: Result;
  Runner: Runner;
}

/** The typed content of one registry file. */
export type Entity<K extends Kind = Kind> = EntityByKind[K];

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

/** Zero count per kind, for reports. */
export function emptyCounts(): Record<Kind, number> {
  return Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
}

/**
 * The one name grammar of the registry: lower-case letters, digits and inner hyphens, 1 to 63
 * characters (a DNS label). Entity names and logins (schemas/defs.schema.json Name and Login) and
 * every path segment of the layout use it. Unanchored, for composing larger patterns.
 */
export const NAME_PATTERN = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';

/** A whole string that is a name or login. */
export const NAME_RE = new RegExp(`^${NAME_PATTERN}$`);

/** A whole string that is an `owner/name` ref (MLCube, Dataset, Runner). */
export const OWNED_REF_RE = new RegExp(`^${NAME_PATTERN}/${NAME_PATTERN}$`);

export function isName(candidate: string): boolean {
  return NAME_RE.test(candidate);
}

export function isOwnedRef(candidate: string): boolean {
  return OWNED_REF_RE.test(candidate);
}

/*
 * Refs: the key of an entity within its kind. They are derived from the file path alone, so an
 * index of refs can be built from a file listing without parsing anything.
 *   Registry            "registry"
 *   User                "<login>"
 *   MLCube/Dataset/Runner "<owner>/<name>"
 *   Benchmark           "<name>"
 *   ModelAssociation    "<benchmark>:<model-owner>/<cube>"
 *   DatasetAssociation  "<benchmark>:<data-owner>/<dataset>"
 *   Result              "<benchmark>:<data-owner>/<dataset>:<model-owner>/<cube>"
 */
export const REGISTRY_REF = 'registry';

export function ownedRef(owner: string, name: string): string {
  return `${owner}/${name}`;
}

export function modelAssociationRef(benchmark: string, model: string): string {
  return `${benchmark}:${model}`;
}

export function datasetAssociationRef(benchmark: string, dataset: string): string {
  return `${benchmark}:${dataset}`;
}

export function resultRef(benchmark: string, dataset: string, model: string): string {
  return `${benchmark}:${dataset}:${model}`;
}

/** `owner/name` -> `owner.name`: the file name (and metadata.name) of an association or result. */
export function pairName(ownedReference: string): string {
  return ownedReference.replace('/', '.');
}

/** Splits `owner/name`; undefined when the string is not of that form. */
export function splitOwnedRef(ref: string): { owner: string; name: string } | undefined {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash !== ref.lastIndexOf('/') || slash === ref.length - 1) return undefined;
  return { owner: ref.slice(0, slash), name: ref.slice(slash + 1) };
}
