/**
 * Builds the exact argument arrays of each runner from a manifest and a mount plan. Pure: no processes, no
 * disk; golden tests pin these against mlcube.md's worked example. Never a shell string.
 */
import { readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { type Diagnostic, error, warning } from '../diagnostics/diagnostic.js';
import { findTask, type Manifest, splitWords, type TaskSpec } from './manifest.js';
import type { MountPlan } from './mounts.js';
import { type RuntimeEntry, SANDBOX_ENV, sandboxPrelude } from './sandbox.js';
import { failed, type Outcome, ok, type RunnerKind } from './types.js';

export interface CommandOptions {
  runner: RunnerKind;
  /** Container image (reference, `reference@sha256:…`, or an image id); default docker.image of the manifest. */
  image?: string;
  /** Container name, so a timed-out container can be removed (`gitperf-<task>-<16 hex>`). */
  containerName: string;
  /** `uid:gid` the container runs as. */
  user: string;
  /** MEDPERF_LOGLEVEL for the cube, upper-cased as MedPerf does; unset (MedPerf's default) when absent. */
  loglevel?: string;
  /** Extra environment for the cube (added after the manifest's env_args). */
  env?: Record<string, string>;
  /** Host folder mounted at /tmp:rw in containers (MedPerf era B). Omitted: the container's own /tmp. */
  tmpDir?: string;
  /** `all`, `N` or `device=a,b` (MedPerf's --gpus); empty or `0` = none. */
  gpus?: string;
  /** Local runner: the bwrap executable, or null to run unsandboxed (only on the user's explicit request). */
  bwrap?: string | null;
  /** Local runner in bwrap: the host's system runtime to show the cube (`sandboxRuntime()`); default none. */
  sandboxRuntime?: readonly RuntimeEntry[];
  /**
   * Local runner: the cube's code folder (docker.build_context, or ../project), bound read-only at its real path
   * and where the manifest names it (a link there would otherwise dangle in the sandbox's empty /tmp).
   */
  codeDir?: { lexical: string; real: string };
  /** Singularity: a docker-archive tarball to build the SIF from (an imageTarball resource). */
  imageArchive?: string;
  /**
   * Rootless podman: `--userns=keep-id`, so the caller's uid is the same inside and outside and outputs are
   * owned by the calling user (without it, `-u uid:gid` maps to a subordinate uid on the host).
   */
  rootless?: boolean;
}

export interface BuiltCommand {
  argv: string[];
  /** Working directory (the cube folder for the local runner). */
  cwd?: string;
  /**
   * Local runner: the cube's own variables (MEDPERF_LOGLEVEL, the manifest's, the caller's). In bwrap they are
   * also set inside the cleared sandbox environment; unsandboxed they join a minimal set (`unsandboxedEnv`).
   */
  env?: Record<string, string>;
  /** Commands to run first when needed (singularity: build the SIF if it is missing). */
  prepare?: { when: 'missing-file'; path: string; argv: string[] }[];
  /** Commands that remove the container after a run or a timeout. */
  cleanup?: string[][];
  /** True when the docker CLI must remove the container itself (see runDocker note). */
  removeAfter?: boolean;
  /** Local runner: argv is bubblewrap's, the cube runs inside its sandbox. */
  sandboxed?: boolean;
}

function gpuSelected(gpus: string | undefined): boolean {
  return gpus !== undefined && gpus !== '' && gpus !== '0';
}

/** Only `--shm-size` survives from cpu_args/gpu_args, as in MedPerf era B; the rest could weaken isolation. */
function shmSize(args: string): string[] {
  const words = splitWords(args);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.startsWith('--shm-size=')) return [word];
    if (word === '--shm-size' && i + 1 < words.length) return [`--shm-size=${words[i + 1]}`];
  }
  return [];
}

export function buildCommand(
  manifest: Manifest,
  plan: MountPlan,
  options: CommandOptions,
): Outcome<BuiltCommand> {
  const task = findTask(manifest, plan.task);
  if (!task)
    return failed([
      error('cube.unknown-task', `task ${plan.task} is not in ${manifest.file}`, { file: manifest.file }),
    ]);
  if (manifest.format === 'container_config' && options.runner !== 'local')
    return containerConfigCommand(manifest, plan, options, task);
  switch (options.runner) {
    case 'docker':
    case 'podman':
      return dockerCommand(manifest, plan, options, task.entrypoint);
    case 'singularity':
    case 'apptainer':
      return singularityCommand(manifest, plan, options, task.entrypoint);
    case 'local':
      return localCommand(manifest, plan, options);
  }
}

/** `--env MEDPERF_LOGLEVEL=LEVEL` when a level was asked for: MedPerf sets it only then, upper-cased. */
function loglevelEnv(options: CommandOptions): Record<string, string> {
  return options.loglevel ? { MEDPERF_LOGLEVEL: options.loglevel.toUpperCase() } : {};
}

/**
 * MLCube's docker runner: a multi-word entrypoint replaces the image's and drops the task name; a one-word one
 * drops all arguments (mlcube_docker/docker_run.py).
 */
function entrypointArgs(
  entrypoint: string | undefined,
  task: string,
  params: string[],
): { ep?: string; after: string[] } {
  if (!entrypoint) return { after: [task, ...params] };
  const words = splitWords(entrypoint);
  if (words.length <= 1) return { ep: words[0], after: [] };
  return { ep: words[0], after: [...words.slice(1), ...params] };
}

function dockerCommand(
  manifest: Manifest,
  plan: MountPlan,
  options: CommandOptions,
  entrypoint?: string,
): Outcome<BuiltCommand> {
  const gpu = gpuSelected(options.gpus);
  const { ep, after } = entrypointArgs(entrypoint, plan.task, plan.containerArgs);
  return engineCommand(manifest, plan, options, {
    image: options.image ?? manifest.docker?.image,
    env: manifest.docker?.envArgs ?? {},
    shm: shmSize(gpu ? (manifest.docker?.gpuArgs ?? '') : (manifest.docker?.cpuArgs ?? '')),
    gpus: gpu ? options.gpus : undefined,
    entrypoint: ep,
    after,
  });
}

/** What differs between the manifest formats in a docker/podman command line; the isolation never does. */
interface EngineCall {
  image?: string;
  /** The cube's environment (env_args, run_args.environment); the caller's o.env is added after it. */
  env: Record<string, string>;
  /** `--shm-size=...` or nothing. */
  shm: string[];
  gpus?: string;
  entrypoint?: string;
  /** Words after the image. */
  after: string[];
}

function engineCommand(
  manifest: Manifest,
  plan: MountPlan,
  options: CommandOptions,
  call: EngineCall,
): Outcome<BuiltCommand> {
  const exe = options.runner;
  const image = call.image;
  if (!image) {
    return failed([
      error(
        'cube.no-image',
        manifest.format === 'container_config'
          ? `${manifest.file} is a ${manifest.containerType} container: the ${exe} runner runs it from the image its registry entry loads (or --image)`
          : `${manifest.file} has no docker.image and the registry gave none; the ${exe} runner needs an image`,
        {
          file: manifest.file,
        },
      ),
    ]);
  }
  // The image comes last before the task's arguments: one that looks like an option (`--privileged`,
  // `--volume=/:/host`) would be read by the engine as one, with the next word taken as the image.
  if (image.startsWith('-') || /\s/.test(image)) {
    return failed([
      error(
        'cube.bad-image',
        `${JSON.stringify(image)} is not an image reference (it starts with - or holds spaces); fix the image in ${manifest.file}`,
        { file: manifest.file },
      ),
    ]);
  }
  const bad = [...plan.mounts.map((x) => x.hostDir), options.tmpDir ?? ''].find((d) => d.includes(':'));
  if (bad) {
    return failed([
      error(
        'cube.path-colon',
        `host path ${bad} contains ':', which ${exe} --volume cannot express; use another folder`,
      ),
    ]);
  }
  const argv = [exe, 'run', '--name', options.containerName];
  // podman's docker-compatible API loses the exit code of `run --rm` (podman 4.3, verified); the docker CLI
  // runner therefore removes its container itself after the run.
  const removeAfter = exe === 'docker';
  if (!removeAfter) argv.push('--rm');
  if (exe === 'podman' && options.rootless) argv.push('--userns=keep-id');
  argv.push('-u', options.user);
  for (const mt of plan.mounts) argv.push('--volume', `${mt.hostDir}:${mt.containerDir}:${mt.mode}`);
  if (options.tmpDir) argv.push('--volume', `${options.tmpDir}:/tmp:rw`);
  argv.push('--network', 'none');
  // Beyond MedPerf's command line: a cube needs no capabilities and must not gain any (setuid binaries in the
  // image), which matters when the hospital's runner runs as root.
  argv.push('--cap-drop=ALL', '--security-opt=no-new-privileges');
  for (const [name, value] of Object.entries({
    ...loglevelEnv(options),
    ...call.env,
    ...(options.env ?? {}),
  }))
    argv.push('--env', `${name}=${value}`);
  argv.push(...call.shm);
  if (call.gpus) argv.push(`--gpus=${call.gpus}`);
  if (call.entrypoint) argv.push(`--entrypoint=${call.entrypoint}`);
  argv.push(image, ...call.after);
  const rm =
    exe === 'podman'
      ? [exe, 'rm', '-f', '-t', '0', options.containerName]
      : [exe, 'rm', '-f', options.containerName];
  return ok({ argv, cleanup: [rm], removeAfter });
}

/** SIF name for an image pinned by digest (MedPerf names converted images by their hash). */
function sifName(manifest: Manifest, options: CommandOptions): string {
  const pinned = options.image ? /@sha256:([0-9a-f]{64})$/.exec(options.image) : null;
  if (pinned) return `${pinned[1]}.sif`;
  if (options.image && manifest.singularity?.derived)
    return `${options.image.replace(/[^A-Za-z0-9]/g, '')}.sif`;
  return manifest.singularity?.image ?? '';
}

/** singularity/apptainer run options a cube may ask for: GPUs and more isolation, nothing that opens it. */
const SAFE_SINGULARITY_RUN_ARGS = new Set([
  '--nv',
  '--nvccli',
  '--rocm',
  '--writable-tmpfs',
  '--no-home',
  '--no-init',
  '--no-privs',
  '--cleanenv',
  '-e',
  '--contain',
  '-c',
  '--containall',
  '-C',
  '--compat',
]);

function singularityCommand(
  manifest: Manifest,
  plan: MountPlan,
  options: CommandOptions,
  entrypoint?: string,
): Outcome<BuiltCommand> {
  const singularity = manifest.singularity;
  if (!singularity) {
    return failed([
      error(
        'cube.no-image',
        `${manifest.file} has neither a singularity: nor a docker: section; the ${options.runner} runner needs one`,
        {
          file: manifest.file,
        },
      ),
    ]);
  }
  const exe = options.runner;
  const sif = path.join(singularity.imageDir, sifName(manifest, options));
  const bad = plan.mounts.map((x) => x.hostDir).find((d) => d.includes(':'));
  if (bad)
    return failed([error('cube.path-colon', `host path ${bad} contains ':', which --bind cannot express`)]);
  // MLCube's singularity runner `exec`s the whole entrypoint followed by the parameters (never the task name),
  // whatever its length (mlcube_singularity/singularity_client.py) -- unlike its docker runner.
  const ep = entrypoint ? splitWords(entrypoint) : [];
  const after = ep.length > 0 ? plan.containerArgs : [plan.task, ...plan.containerArgs];
  // -e (clean environment), -C (contain filesystems, PID, IPC), a network namespace with only loopback.
  const argv = [
    exe,
    ep.length > 0 ? 'exec' : 'run',
    '--cleanenv',
    '--containall',
    '--net',
    '--network',
    'none',
  ];
  // run_args come from the cube's author: only options that do not open the container are passed on; a
  // `--bind /:/host`, `--home`, `--network bridge` or `--add-caps` would undo the containment above.
  const runArgs = splitWords(singularity.runArgs).filter((w) => w !== '--writable');
  const unsafe = runArgs.filter((w) => !SAFE_SINGULARITY_RUN_ARGS.has(w));
  if (unsafe.length > 0) {
    return failed([
      error(
        'cube.unsafe-run-args',
        `singularity.run_args of ${manifest.file} has ${unsafe.join(' ')}, which gitperf does not pass on (it could mount host ` +
          `folders, reach the network or add privileges); allowed: ${[...SAFE_SINGULARITY_RUN_ARGS].join(' ')}`,
        { file: manifest.file },
      ),
    ]);
  }
  argv.push(...runArgs);
  if (gpuSelected(options.gpus)) argv.push('--nv');
  for (const [name, value] of Object.entries({
    ...loglevelEnv(options),
    ...(manifest.docker?.envArgs ?? {}),
    ...(options.env ?? {}),
  }))
    argv.push('--env', `${name}=${value}`);
  for (const mt of plan.mounts) argv.push('--bind', `${mt.hostDir}:${mt.containerDir}:${mt.mode}`);
  argv.push(sif, ...ep, ...after);
  let source = singularity.buildFile;
  if (options.imageArchive) source = `docker-archive://${options.imageArchive}`;
  else if (options.image) source = `docker://${options.image}`;
  else if (!source.startsWith('docker://')) source = path.resolve(manifest.root, source);
  const build = [exe, 'build', ...splitWords(singularity.buildArgs), sif, source];
  return ok({ argv, cwd: manifest.root, prepare: [{ when: 'missing-file', path: sif, argv: build }] });
}

/**
 * A container_config.yaml task as MedPerf runs it (containers/runners/docker_utils.py, singularity_utils.py):
 * each volume bound at its mount_path, `--entrypoint` and the `command` words after the image, no task name and
 * no parameter arguments; with gitperf's isolation (no network, no capabilities, the caller's uid:gid).
 */
function containerConfigCommand(
  manifest: Manifest,
  plan: MountPlan,
  options: CommandOptions,
  task: TaskSpec,
): Outcome<BuiltCommand> {
  const run = task.run ?? { command: [], environment: {} };
  // MedPerf: the caller's --gpus wins over the cube's run_args.gpus.
  const gpus = gpuSelected(options.gpus) ? options.gpus : run.gpus;
  if (options.runner === 'docker' || options.runner === 'podman') {
    if (manifest.containerType === 'SingularityFile') {
      return failed([
        error(
          'cube.runner-unsupported',
          `${manifest.file} is a SingularityFile container, which runs only with singularity or apptainer (as in MedPerf); use --runner singularity|apptainer`,
          { file: manifest.file },
        ),
      ]);
    }
    return engineCommand(manifest, plan, options, {
      image: options.image ?? (manifest.containerType === 'DockerImage' ? manifest.image : undefined),
      env: run.environment,
      shm: run.shmSize ? [`--shm-size=${run.shmSize}`] : [],
      gpus,
      entrypoint: run.entrypoint,
      after: run.command,
    });
  }
  const exe = options.runner;
  const bad = plan.mounts.map((x) => x.hostDir).find((d) => d.includes(':'));
  if (bad)
    return failed([error('cube.path-colon', `host path ${bad} contains ':', which --bind cannot express`)]);
  let sif: string;
  let prepare: BuiltCommand['prepare'] = [];
  if (manifest.containerType === 'SingularityFile') {
    if (!options.imageArchive) {
      return failed([
        error(
          'cube.no-image',
          `${manifest.file} is a SingularityFile container: it runs from the verified image file of its registry entry`,
          { file: manifest.file },
        ),
      ]);
    }
    sif = options.imageArchive;
  } else {
    let source: string;
    let name: string;
    if (options.imageArchive) {
      source = `docker-archive://${options.imageArchive}`;
      name = `${path.basename(options.imageArchive).replace(/[^A-Za-z0-9]/g, '')}.sif`;
    } else {
      const image = options.image ?? (manifest.containerType === 'DockerImage' ? manifest.image : undefined);
      if (!image) {
        return failed([
          error(
            'cube.no-image',
            `${manifest.file} is a ${manifest.containerType} container with no image to convert`,
            {
              file: manifest.file,
            },
          ),
        ]);
      }
      source = `docker://${image}`;
      const pinned = /@sha256:([0-9a-f]{64})$/.exec(image);
      name = pinned ? `${pinned[1]}.sif` : `${image.replace(/[^A-Za-z0-9]/g, '')}.sif`;
    }
    sif = path.join(manifest.workspace, '.image', name);
    prepare = [{ when: 'missing-file', path: sif, argv: [exe, 'build', sif, source] }];
  }
  const argv = [
    exe,
    run.entrypoint ? 'exec' : 'run',
    '--cleanenv',
    '--containall',
    '--net',
    '--network',
    'none',
  ];
  if (gpus) argv.push('--nv');
  for (const [name, value] of Object.entries({
    ...loglevelEnv(options),
    ...run.environment,
    ...(options.env ?? {}),
  }))
    argv.push('--env', `${name}=${value}`);
  for (const mt of plan.mounts) argv.push('--bind', `${mt.hostDir}:${mt.containerDir}:${mt.mode}`);
  argv.push(sif);
  if (run.entrypoint) argv.push(run.entrypoint);
  argv.push(...run.command);
  return ok({ argv, cwd: manifest.root, prepare });
}

function localCommand(manifest: Manifest, plan: MountPlan, options: CommandOptions): Outcome<BuiltCommand> {
  if (!manifest.local) {
    return failed([
      error(
        'cube.no-local-command',
        `${manifest.file} has no local: {command: ...} section; add one (e.g. command: python3 mlcube.py) or use a container runner`,
        { file: manifest.file },
      ),
    ]);
  }
  const task = findTask(manifest, plan.task);
  const env = {
    ...loglevelEnv(options),
    PYTHONDONTWRITEBYTECODE: '1',
    ...(manifest.docker?.envArgs ?? task?.run?.environment ?? {}),
    ...(options.env ?? {}),
  };
  const inner = [...manifest.local.command, plan.task, ...plan.hostArgs];
  if (!options.bwrap) return ok({ argv: inner, cwd: manifest.root, env });
  // Nothing of the host but its read-only system runtime; the cube's folders are bound below.
  const argv = sandboxPrelude(options.bwrap, options.sandboxRuntime ?? []);
  // Later binds win over earlier ones, and a bind hides what was mounted below it: bind shallow paths first.
  const binds: { dir: string; mode: 'ro' | 'rw' }[] = [
    { dir: manifest.root, mode: 'ro' },
    ...codeBinds(manifest.root, options.codeDir),
    // container_config.yaml binds files on their own; the local runner binds their folders, as for mlcube.yaml.
    // Real paths: a bind onto a link inside an already bound folder fails in bubblewrap.
    ...plan.params.map((param) => ({
      dir: realOrSame(param.type === 'directory' ? param.hostPath : path.dirname(param.hostPath)),
      mode: plan.mounts[param.mount].mode,
    })),
    // Code linked into the cube folder (the local runner's source folder) may live under /tmp, which the sandbox
    // hides. Listed after the mounts so a folder that is also a parameter keeps the parameter's mode.
    ...linkTargets(manifest.root).map((dir) => ({ dir, mode: 'ro' as const })),
  ];
  const depth = (d: string) => d.split(path.sep).filter(Boolean).length;
  const seen = new Set<string>();
  for (const bind of binds
    .map((b, i) => ({ ...b, i }))
    .sort((a, b) => depth(a.dir) - depth(b.dir) || a.i - b.i)) {
    if (seen.has(bind.dir)) continue;
    seen.add(bind.dir);
    argv.push(bind.mode === 'rw' ? '--bind' : '--ro-bind', bind.dir, bind.dir);
  }
  argv.push('--chdir', manifest.root);
  for (const [name, value] of Object.entries({ ...SANDBOX_ENV, ...env })) argv.push('--setenv', name, value);
  argv.push('--', ...inner);
  return ok({ argv, cwd: manifest.root, env, sandboxed: true });
}

function realOrSame(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * The code folder at its real path, and also where the manifest names it when that is elsewhere and outside the
 * cube's folder (a view linking `../project`): in the sandbox's empty /tmp that link would not exist.
 */
function codeBinds(root: string, code: CommandOptions['codeDir']): { dir: string; mode: 'ro' }[] {
  if (!code) return [];
  const binds = [{ dir: code.real, mode: 'ro' as const }];
  const inRoot = code.lexical === root || code.lexical.startsWith(root + path.sep);
  if (code.lexical !== code.real && !inRoot) binds.push({ dir: code.lexical, mode: 'ro' });
  return binds;
}

/** Real paths of the symlinks directly inside `dir` (none when it cannot be read). */
function linkTargets(dir: string): string[] {
  const out: string[] = [];
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isSymbolicLink()) {
        try {
          out.push(realpathSync(path.join(dir, entry.name)));
        } catch {
          // a dangling link: the run reports the missing file itself
        }
      }
  } catch {
    // not readable: nothing extra to bind
  }
  return out;
}

export function localSandboxWarning(why: 'asked' | 'missing'): Diagnostic {
  return warning(
    'cube.local-unsandboxed',
    `${why === 'asked' ? 'as asked (--unsafe-no-sandbox)' : 'bubblewrap (bwrap) is not installed:'} the local runner runs the cube WITHOUT a sandbox, with full access to this ` +
      "machine's files and network. Install bubblewrap, or use --runner podman/docker.",
  );
}

/** The local runner's refusal to run a cube outside a sandbox the user did not give up explicitly. */
export function localSandboxMissing(): Diagnostic {
  return error(
    'runner.no-sandbox',
    'bubblewrap (bwrap) is not installed, and the local runner runs cubes only inside its sandbox. Install ' +
      'bubblewrap (e.g. apt-get install bubblewrap), use --runner podman/docker, or pass --unsafe-no-sandbox to ' +
      "run the cube WITHOUT a sandbox, with full access to this machine's files and network.",
  );
}
