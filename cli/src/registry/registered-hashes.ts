import type { CubeHashes, MLCube } from './types.generated.js';

/**
 * The hashes a run of a registered cube records (`cubes[].hashes` of results and compatibility tests):
 * the registered digests of each part of an MLCube entity. The validator, the plan and the runner compare
 * with it; the cube engine is handed it by its caller, so it verifies exactly what the registry records.
 */
export function registeredHashes(
  spec: Pick<
    MLCube['spec'],
    'manifest' | 'parameters' | 'additionalFiles' | 'code' | 'image' | 'imageTarball'
  >,
): CubeHashes {
  const hashes: CubeHashes = { manifest: spec.manifest.sha256 };
  if (spec.parameters) hashes.parameters = spec.parameters.sha256;
  if (spec.additionalFiles) hashes.additionalFiles = spec.additionalFiles.sha256;
  if (spec.code) hashes.code = spec.code.sha256;
  if (spec.image?.digest) hashes.image = spec.image.digest;
  if (spec.imageTarball) hashes.imageTarball = spec.imageTarball.sha256;
  return hashes;
}
