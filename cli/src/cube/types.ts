import type { Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * A value or the diagnostics explaining why there is none. Warnings may ride along with a value.
 * The cube engine never throws for bad input, tampered resources or failed runs.
 */
export type Outcome<T> =
  | { ok: true; value: T; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

export function ok<T>(value: T, diagnostics: Diagnostic[] = []): Outcome<T> {
  return { ok: true, value, diagnostics };
}

export function failed<T>(diagnostics: Diagnostic[]): Outcome<T> {
  return { ok: false, diagnostics };
}

export type RunnerKind = 'docker' | 'podman' | 'singularity' | 'apptainer' | 'local';
export const RUNNER_KINDS: readonly RunnerKind[] = ['docker', 'podman', 'singularity', 'apptainer', 'local'];

/** A registry resource: `url` is relative to the registry root, `file://…` or `https://…`. */
export interface Resource {
  url: string;
  sha256: string;
  /** Bytes: a fetch stops as soon as it goes over (without it, DEFAULT_MAX_DOWNLOAD_BYTES). */
  size?: number;
}

/** `spec` of a registered MLCube (schemas/mlcube.schema.json). Exactly one of image / imageTarball. */
export interface MlcubeSpec {
  manifest: Resource;
  parameters?: Resource;
  additionalFiles?: Resource;
  /** The local runner's code: an archive, or a folder URL (ending in /) hashed as its canonical tar. */
  code?: Resource;
  image?: { reference: string; digest?: string };
  imageTarball?: Resource;
  state?: 'development' | 'operation';
  valid?: boolean;
}

/** The hashes a compatibility test / result records for one cube (`cubes[].hashes`). */
export interface CubeHashes {
  manifest: string;
  parameters?: string;
  additionalFiles?: string;
  image?: string;
  imageTarball?: string;
  /**
   * The local runner's code: the tree digest of a folder cube's code folder (docker.build_context or
   * ../project); the sha256 of a registered cube's `spec.code`.
   */
  code?: string;
}
