/**
 * What the procedures need from the cube engine, in one narrow interface: get a cube ready to run (all its
 * resources verified), run one task of it, and fetch + verify + extract a demo tarball. `cube-access.ts`
 * implements it on top of cli/src/cube; the procedures only see this.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { CubeHashes, CubeRole, CubeUsage } from '../registry/types.generated.js';

export type RunnerKind = 'docker' | 'podman' | 'singularity' | 'apptainer' | 'local';
/** The local runner's sandbox: `bwrap` required (default), `none` (--unsafe-no-sandbox), `auto` (the demo). */
export type LocalSandbox = 'bwrap' | 'auto' | 'none';

export interface ReadyCube {
  /** `owner/name`; for a cube given as a folder, `local/<folder name>` unless the caller names it. */
  ref: string;
  /** Folder holding mlcube.yaml and workspace/ (parameters.yaml, additional_files/). */
  dir: string;
  /** Hashes of what will run, verified just now. */
  hashes: CubeHashes;
  /** Task names the manifest declares. */
  tasks: string[];
  /** Whether a task declares a parameter (to pass optional ones such as report_file only when declared). */
  declares(task: string, param: string): boolean;
}

export interface TaskOutcome {
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** Where the task's combined output went. */
  logFile?: string;
  /** Wall time of the cube process (or container), for the benchmark's overhead figure. */
  seconds: number;
  diagnostics: Diagnostic[];
}

export interface RunTaskOptions {
  /** Per-task timeout in seconds (MedPerf's `--<task>_timeout`); none by default. */
  timeoutSeconds?: number;
  /** Name for the log file, e.g. `infer-lee.bc-centroid-wdbc-a`. */
  logName?: string;
}

export interface CubeExecution {
  runner: RunnerKind;
  /** Resolve a cube given as `owner/name` (from the registry) or as a folder, and verify every resource. */
  cube(source: string, role: CubeRole): Promise<ReadyCube>;
  /** Run `task` with `params` (name → absolute host path). Never throws for a failed run. */
  run(
    cube: ReadyCube,
    task: string,
    params: Record<string, string>,
    opts?: RunTaskOptions,
  ): Promise<TaskOutcome>;
  /** Fetch the demo tarball, verify its sha256, extract it safely; returns the extracted root. */
  demo(resource: { url: string; sha256: string }): Promise<string>;
}

export function usage(role: CubeRole, cube: ReadyCube): CubeUsage {
  return { role, ref: cube.ref, hashes: cube.hashes };
}
