/**
 * Runs one task of a cube folder on a runner: load the manifest, re-verify a materialised cube, plan mounts,
 * build the argument array, execute with a timeout and a log file. A run that starts always yields a RunResult
 * (exit code, timedOut, log path, durations); only problems before the start are diagnostics.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Diagnostic, error, warning } from '../diagnostics/diagnostic.js';
import { gitperfHome, homeLayout } from '../infra/gitperf-home.js';
import { slug } from '../infra/slug.js';
import { localCodeFolder } from './code-folder.js';
import { type BuiltCommand, buildCommand, localSandboxMissing, localSandboxWarning } from './command-line.js';
import { execLogged, which } from './exec.js';
import { loadManifest, type Manifest } from './manifest.js';
import { readCubeRecord, verifyCubeFolder } from './materialise.js';
import { createOutputs, type MountPlan, planMounts } from './mounts.js';
import { sandboxRuntime, unsandboxedEnv } from './sandbox.js';
import { failed, type Outcome, ok, type RunnerKind } from './types.js';

export interface RunTaskOptions {
  /** Cube folder (holds mlcube.yaml and workspace/). */
  cubeDir: string;
  task: string;
  runner: RunnerKind;
  /** Parameter name → host path, replacing manifest defaults. Relative paths join the cube's workspace. */
  params?: Record<string, string>;
  /** Kill the run after this many seconds (whole process group / container). None by default. */
  timeoutSeconds?: number;
  /** Log file; default `$GITPERF_HOME/logs/<time>-<cube>-<task>-<hex>.log`. */
  logFile?: string;
  /** $GITPERF_HOME (logs, container /tmp folders). */
  home?: string;
  /** Image override; default the materialised record's image, else docker.image of the manifest. */
  image?: string;
  /** MEDPERF_LOGLEVEL for the cube, upper-cased; unset by default (as MedPerf without --container-loglevel). */
  loglevel?: string;
  /** Extra environment variables for the cube. */
  env?: Record<string, string>;
  /** Environment of the engine process itself (docker/podman/singularity), e.g. DOCKER_HOST. Default process.env. */
  engineEnv?: NodeJS.ProcessEnv;
  /** GPUs: `all`, `N`, `device=a,b`. Default none. */
  gpus?: string;
  /**
   * Local runner sandbox. `bwrap` (default): bubblewrap, refusing to run when it is not installed. `auto`:
   * bubblewrap when installed, else unsandboxed with a warning (only the demo, for the project's own example
   * cubes). `none`: unsandboxed with a warning (the user's explicit `--unsafe-no-sandbox`).
   */
  sandbox?: LocalSandbox;
  /** `uid:gid` for containers; default the calling user. */
  user?: string;
  /** Where to look for bwrap (default $PATH); tests simulate a machine without it. */
  searchPath?: string;
  /** Ignore params the task does not declare (default: refuse them). */
  ignoreUnknownParams?: boolean;
  /** Live output (progress display). */
  onOutput?: (chunk: string) => void;
}

export type LocalSandbox = 'bwrap' | 'auto' | 'none';

export interface RunPlan {
  runner: RunnerKind;
  task: string;
  cubeDir: string;
  manifest: Manifest;
  mounts: MountPlan;
  command: BuiltCommand;
  containerName?: string;
  /** Host folder mounted at /tmp in docker/podman containers (created for the run, removed after). */
  tmpDir?: string;
  /** Every warning (sandbox missing, read-only output, unpinned image...). */
  warnings: Diagnostic[];
}

export interface RunResult {
  runner: RunnerKind;
  task: string;
  /** The exact argument array that was executed. */
  argv: string[];
  /** Process exit code (null when killed by a signal or not started). */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** exitCode === 0 and not timed out. */
  succeeded: boolean;
  logPath: string;
  /** Container name of docker/podman runs, for inspection or cleanup. */
  containerName?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  warnings: Diagnostic[];
}

const CONTAINER_RUNNERS = new Set<RunnerKind>(['docker', 'podman']);

function uidGid(): string {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return `${uid}:${gid}`;
}

/**
 * Everything up to the command line, without side effects beyond creating missing output folders
 * (skipped with `createOutputs: false`, as `--dry-run` does).
 */
export async function planRun(
  opts: RunTaskOptions,
  planOpts: { createOutputs?: boolean; dryRun?: boolean } = {},
): Promise<Outcome<RunPlan>> {
  const cubeDir = path.resolve(opts.cubeDir);
  const tampered = await verifyCubeFolder(cubeDir);
  if (tampered.length > 0) return failed(tampered);
  const loaded = await loadManifest(cubeDir);
  if (!loaded.ok) return loaded;
  const manifest = loaded.value;
  const warnings: Diagnostic[] = [...loaded.diagnostics];
  const mounts = await planMounts(manifest, opts.task, {
    params: opts.params,
    createOutputs: planOpts.createOutputs ?? true,
    ignoreUnknownParams: opts.ignoreUnknownParams,
    allowMissingInputs: planOpts.dryRun,
  });
  if (!mounts.ok) return failed([...warnings, ...mounts.diagnostics]);
  warnings.push(...mounts.diagnostics);

  const record = await readCubeRecord(cubeDir);
  const containerName = `gitperf-${slug(opts.task, { fallback: 'task' })}-${randomBytes(8).toString('hex')}`;
  let bwrap: string | null = null;
  if (opts.runner === 'local') {
    const mode = opts.sandbox ?? 'bwrap';
    if (mode !== 'none') bwrap = (await which('bwrap', opts.searchPath)) ?? null;
    if (!bwrap && mode === 'bwrap') return failed([...warnings, localSandboxMissing()]);
    if (!bwrap) warnings.push(localSandboxWarning(mode === 'none' ? 'asked' : 'missing'));
  }
  const home = opts.home ?? gitperfHome();
  const tmpDir =
    opts.runner === 'docker' || opts.runner === 'podman'
      ? path.join(homeLayout(home).containerTmp, containerName)
      : undefined;
  const codeDir = opts.runner === 'local' ? await localCodeFolder(manifest) : undefined;
  const built = buildCommand(manifest, mounts.value, {
    runner: opts.runner,
    image: opts.image ?? record?.image,
    imageArchive: record?.imageArchive,
    containerName,
    user: opts.user ?? uidGid(),
    loglevel: opts.loglevel,
    env: opts.env,
    tmpDir,
    gpus: opts.gpus,
    bwrap,
    sandboxRuntime: bwrap ? await sandboxRuntime() : undefined,
    codeDir,
    rootless: (process.getuid?.() ?? 0) !== 0,
  });
  if (!built.ok) return failed([...warnings, ...built.diagnostics]);
  return ok(
    {
      runner: opts.runner,
      task: opts.task,
      cubeDir,
      manifest: manifest,
      mounts: mounts.value,
      command: built.value,
      containerName: CONTAINER_RUNNERS.has(opts.runner) ? containerName : undefined,
      tmpDir,
      warnings,
    },
    warnings,
  );
}

/** Runs a task. ok:false only when it could not start; a failing or timed-out task is ok:true with its RunResult. */
export async function runTask(opts: RunTaskOptions): Promise<Outcome<RunResult>> {
  const planned = await planRun(opts, { createOutputs: false });
  if (!planned.ok) return planned;
  const plan = planned.value;
  const cmd = plan.command;
  const exe = cmd.argv[0];
  // A relative command (`./run.sh`) is looked up from the folder it runs in.
  const exePath = exe.includes('/') && !path.isAbsolute(exe) ? path.resolve(cmd.cwd ?? '.', exe) : exe;
  if (!(await which(exePath))) {
    return failed([
      ...plan.warnings,
      error(
        'runner.unavailable',
        `${exe} is not installed (needed by the ${opts.runner} runner)${opts.runner === 'local' ? '' : '; try --runner local or install it'}`,
      ),
    ]);
  }
  const home = opts.home ?? gitperfHome();
  const engineEnv = opts.engineEnv ?? process.env;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const logPath = path.resolve(
    opts.logFile ??
      path.join(
        homeLayout(home).logs,
        `${stamp}-${slug(plan.manifest.name ?? path.basename(plan.cubeDir), { fallback: 'cube' })}-${slug(opts.task, { fallback: 'task' })}-${randomBytes(4).toString('hex')}.log`,
      ),
  );
  try {
    await mkdir(path.dirname(logPath), { recursive: true });
    await (await open(logPath, 'w')).close();
  } catch (e) {
    return failed([
      ...plan.warnings,
      error('runner.log-unwritable', `cannot write the log file ${logPath}: ${(e as Error).message}`),
    ]);
  }
  // Outputs are created only once the run can start: a refused run leaves nothing behind.
  const made = await createOutputs(plan.mounts, plan.manifest.file);
  if (made) return failed([...plan.warnings, made]);
  const tmpDir = plan.tmpDir;
  if (tmpDir) await mkdir(tmpDir, { recursive: true, mode: 0o700 });

  for (const step of cmd.prepare ?? []) {
    const exists = await stat(step.path).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    await mkdir(path.dirname(step.path), { recursive: true });
    const result = await execLogged({
      argv: step.argv,
      cwd: cmd.cwd,
      env: engineEnv,
      logPath: `${logPath}.prepare`,
      header: [step.argv.join(' ')],
    });
    if (result.exitCode !== 0) {
      return failed([
        ...plan.warnings,
        error(
          'runner.prepare-failed',
          `could not build the image (${step.argv.join(' ')}); see ${logPath}.prepare`,
        ),
      ]);
    }
  }

  const cleanup = async () => {
    for (const step of cmd.cleanup ?? []) {
      await execLogged({ argv: step, env: engineEnv, logPath: `${logPath}.cleanup` }).catch(() => undefined);
    }
  };
  // A local cube never inherits gitperf's environment (tokens, keys): bwrap gets only PATH to start, and clears
  // even that inside (the cube's variables are its --setenv arguments); unsandboxed, a minimal set and its own.
  const env =
    opts.runner !== 'local'
      ? engineEnv
      : cmd.sandboxed
        ? { PATH: process.env.PATH ?? '' }
        : { ...unsandboxedEnv(process.env), ...(cmd.env ?? {}) };
  const header = [
    `gitperf ${opts.runner} run of ${plan.manifest.name ?? plan.cubeDir} task ${opts.task}`,
    `argv: ${JSON.stringify(cmd.argv)}`,
  ];
  for (const warning of plan.warnings) header.push(`${warning.severity} ${warning.code}: ${warning.message}`);
  const result = await execLogged({
    argv: cmd.argv,
    cwd: cmd.cwd,
    env,
    timeoutMs: opts.timeoutSeconds !== undefined ? Math.round(opts.timeoutSeconds * 1000) : undefined,
    logPath,
    header,
    onTimeout: cleanup,
    onOutput: opts.onOutput,
    cleanupOnExit: cmd.cleanup,
  });
  if (cmd.removeAfter || result.timedOut) await cleanup();
  await rm(`${logPath}.cleanup`, { force: true });
  if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  const warnings = [...plan.warnings];
  // docker/podman use 125 for their own failures (daemon unreachable, bad image, bad mount), not the cube's.
  if ((opts.runner === 'docker' || opts.runner === 'podman') && result.exitCode === 125 && !result.timedOut) {
    warnings.push(
      warning(
        'runner.engine-error',
        `${exe} itself failed (exit code 125) before or while starting the cube; see ${logPath}`,
      ),
    );
  }
  // bubblewrap's own failures (no user namespaces, a missing mount point) would otherwise look like the cube's.
  if (cmd.sandboxed && result.exitCode !== 0 && !result.timedOut) {
    const head = await readFile(logPath, 'utf8').then(
      (t) => t.slice(0, 8192),
      () => '',
    );
    const match = /^bwrap: (.*)$/m.exec(head);
    if (match) {
      warnings.push(
        warning(
          'runner.sandbox-failed',
          `bubblewrap could not start the sandbox (${match[1]}); the cube did not run. See ${logPath}`,
        ),
      );
    }
  }
  if (result.spawnError) {
    return failed([
      ...plan.warnings,
      error('runner.start-failed', `could not start ${exe}: ${result.spawnError}`),
    ]);
  }
  return ok(
    {
      runner: opts.runner,
      task: opts.task,
      argv: cmd.argv,
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      succeeded: result.exitCode === 0 && !result.timedOut,
      logPath,
      containerName: plan.containerName,
      startedAt: result.startedAt,
      finishedAt: result.finishedAt,
      durationMs: result.durationMs,
      warnings,
    },
    warnings,
  );
}
