/**
 * The cube engine's public API. Other areas (cli/src/workflows, commands) import from here only.
 * See README.md in this folder for the contract.
 */

export { gitperfHome } from '../infra/gitperf-home.js';
export { SHA256_RE, sha256Bytes, sha256File } from '../infra/sha256.js';
export {
  CODE_FOLDER_URL_SUFFIX,
  codeFolderHash,
  excludedFromCode,
  fetchCode,
  isFolderUrl,
  packCodeFolder,
} from './code-archive.js';
export { localCodeFolder, registeredCodeFolder } from './code-folder.js';
export type { BuiltCommand, CommandOptions } from './command-line.js';
export { buildCommand } from './command-line.js';
export type { ExecResult, ExecSpec } from './exec.js';
export { execLogged, which } from './exec.js';
export { treeDigest } from './hash.js';
export type { Engine } from './images.js';
export { loadImageTarball, pinnedImage } from './images.js';
export type {
  ContainerRunArgs,
  ContainerType,
  DockerSection,
  Manifest,
  ParamSpec,
  ParamType,
  SingularitySection,
  TaskSpec,
} from './manifest.js';
export {
  findManifestFile,
  findTask,
  loadManifest,
  MANIFEST_FILES,
  parseManifest,
  splitWords,
} from './manifest.js';
export type { CubeRecord, MaterialisedCube, MaterialiseOptions } from './materialise.js';
export {
  CODE_FOLDER,
  CUBE_RECORD,
  cubeFolderHashes,
  materialiseCube,
  readCubeRecord,
  verifyCubeFolder,
} from './materialise.js';
export type { Mount, MountPlan, PlannedParam, PlanOptions } from './mounts.js';
export { createOutputs, planMounts, resolveHostPath } from './mounts.js';
export type { FetchedResource, FetchOptions } from './resources.js';
export { copyVerified, fetchResource, fetchTarball, verifyFile } from './resources.js';
export type { LocalSandbox, RunPlan, RunResult, RunTaskOptions } from './run.js';
export { planRun, runTask } from './run.js';
export { shellQuote } from './shell-quote.js';
export type { ExtractOptions, ExtractResult } from './tarball.js';
export { checkTarball, DEFAULT_MAX_EXTRACT_BYTES, extractTarball } from './tarball.js';
export type { CubeHashes, MlcubeSpec, Outcome, Resource, RunnerKind } from './types.js';
export { failed, ok, RUNNER_KINDS } from './types.js';
