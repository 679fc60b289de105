import type { CubeHashes, MlcubeSpec } from './types.js';

/**
 * The hashes a run of a registered cube records (`cubes[].hashes` of results and compatibility tests):
 * the registered digests of each part. Its own module so the plan compares with exactly what a run
 * records without loading the cube engine.
 */
export function registeredHashes(spec: MlcubeSpec): CubeHashes {
  const hashes: CubeHashes = { manifest: spec.manifest.sha256 };
  if (spec.parameters) hashes.parameters = spec.parameters.sha256;
  if (spec.additionalFiles) hashes.additionalFiles = spec.additionalFiles.sha256;
  if (spec.code) hashes.code = spec.code.sha256;
  if (spec.image?.digest) hashes.image = spec.image.digest;
  if (spec.imageTarball) hashes.imageTarball = spec.imageTarball.sha256;
  return hashes;
}
