/**
 * Builds the exact argument arrays of each runner from a manifest and a mount plan. Pure: no processes, no
 * disk; golden tests pin these against mlcube.md's worked example. Never a shell string.
 */
import { readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { type Diagnostic, error, warning } from '../diagnostics/diagnostic.js';
import { findTask, type Manifest, splitWords } from './manifest.js';
import type { MountPlan } from './mounts.js';
import { failed, type Outcome, ok, type RunnerKind } from './types.js';

export interface CommandOptions {
  runner: RunnerKind;
  /** Container image (reference, `reference@sha256:…`, or an image id); default docker.image of the manifest. */
  image?: string;
  /** Container name, so a timed-out container can be removed (`gitperf-<task>-<16 hex>`). */
  containerName: string;
  /** `uid:gid` the container runs as. */
  user: string;
  /** Value of MEDPERF_LOGLEVEL given to the cube. */
  loglevel: string;
  /** Extra environment for the cube (added after the manifest's env_args). */
  env?: Record<string, string>;
  /** Host folder mounted at /tmp:rw in containers (MedPerf era B). Omitted: the container's own /tmp. */
  tmpDir?: string;
  /** `all`, `N` or `device=a,b` (MedPerf's --gpus); empty or `0` = none. */
  gpus?: string;
  /** Local runner: the bwrap executable, or null to run unsandboxed (with a loud warning). */
  bwrap?: string | null;
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
  /** Environment additions for the spawned process (local runner). */
  env?: Record<string, string>;
  /** Commands to run first when needed (singularity: build the SIF if it is missing). */
  prepare?: { when: 'missing-file'; path: string; argv: string[] }[];
  /** Commands that remove the container after a run or a timeout. */
  cleanup?: string[][];
  /** True when the docker CLI must remove the container itself (see runDocker note). */
  removeAfter?: boolean;
}

function gpuSelected(gpus: string | undefined): boolean {
  return gpus !== undefined && gpus !== '' && gpus !== '0';
}

/** Only `--shm-size` survives from cpu_args/gpu_args, as in MedPerf era B; the rest could weaken isolation. */
function shmSize(args: string): string[] {
  const words = splitWords(args);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('--shm-size=')) return [w];
    if (w === '--shm-size' && i + 1 < words.length) return [`--shm-size=${words[i + 1]}`];
  }
  return [];
}

export function buildCommand(m: Manifest, plan: MountPlan, o: CommandOptions): Outcome<BuiltCommand> {
  const task = findTask(m, plan.task);
  if (!task)
    return failed([error('cube.unknown-task', `task ${plan.task} is not in ${m.file}`, { file: m.file })]);
  switch (o.runner) {
    case 'docker':
    case 'podman':
      return dockerCommand(m, plan, o, task.entrypoint);
    case 'singularity':
    case 'apptainer':
      return singularityCommand(m, plan, o, task.entrypoint);
    case 'local':
      return localCommand(m, plan, o);
  }
}

/** MLCube: a multi-word entrypoint replaces the image's and drops the task name; a one-word one drops all args. */
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
  m: Manifest,
  plan: MountPlan,
  o: CommandOptions,
  entrypoint?: string,
): Outcome<BuiltCommand> {
  const exe = o.runner;
  const image = o.image ?? m.docker?.image;
  if (!image) {
    return failed([
      error(
        'cube.no-image',
        `${m.file} has no docker.image and the registry gave none; the ${exe} runner needs an image`,
        {
          file: m.file,
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
        `${JSON.stringify(image)} is not an image reference (it starts with - or holds spaces); fix docker.image in ${m.file}`,
        { file: m.file },
      ),
    ]);
  }
  const bad = [...plan.mounts.map((x) => x.hostDir), o.tmpDir ?? ''].find((d) => d.includes(':'));
  if (bad) {
    return failed([
      error(
        'cube.path-colon',
        `host path ${bad} contains ':', which ${exe} --volume cannot express; use another folder`,
      ),
    ]);
  }
  const argv = [exe, 'run', '--name', o.containerName];
  // podman's docker-compatible API loses the exit code of `run --rm` (podman 4.3, verified); the docker CLI
  // runner therefore removes its container itself after the run.
  const removeAfter = exe === 'docker';
  if (!removeAfter) argv.push('--rm');
  if (exe === 'podman' && o.rootless) argv.push('--userns=keep-id');
  argv.push('-u', o.user);
  for (const mt of plan.mounts) argv.push('--volume', `${mt.hostDir}:${mt.containerDir}:${mt.mode}`);
  if (o.tmpDir) argv.push('--volume', `${o.tmpDir}:/tmp:rw`);
  argv.push('--network', 'none');
  // Beyond MedPerf's command line: a cube needs no capabilities and must not gain any (setuid binaries in the
  // image), which matters when the hospital's runner runs as root.
  argv.push('--cap-drop=ALL', '--security-opt=no-new-privileges');
  argv.push('--env', `MEDPERF_LOGLEVEL=${o.loglevel}`);
  for (const [k, v] of Object.entries({ ...(m.docker?.envArgs ?? {}), ...(o.env ?? {}) }))
    argv.push('--env', `${k}=${v}`);
  const gpu = gpuSelected(o.gpus);
  argv.push(...shmSize(gpu ? (m.docker?.gpuArgs ?? '') : (m.docker?.cpuArgs ?? '')));
  if (gpu) argv.push(`--gpus=${o.gpus}`);
  const { ep, after } = entrypointArgs(entrypoint, plan.task, plan.containerArgs);
  if (ep) argv.push(`--entrypoint=${ep}`);
  argv.push(image, ...after);
  const rm =
    exe === 'podman' ? [exe, 'rm', '-f', '-t', '0', o.containerName] : [exe, 'rm', '-f', o.containerName];
  return ok({ argv, cleanup: [rm], removeAfter });
}

/** SIF name for an image pinned by digest (MedPerf names converted images by their hash). */
function sifName(m: Manifest, o: CommandOptions): string {
  const pinned = o.image ? /@sha256:([0-9a-f]{64})$/.exec(o.image) : null;
  if (pinned) return `${pinned[1]}.sif`;
  if (o.image && m.singularity?.derived) return `${o.image.replace(/[^A-Za-z0-9]/g, '')}.sif`;
  return m.singularity?.image ?? '';
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
  m: Manifest,
  plan: MountPlan,
  o: CommandOptions,
  entrypoint?: string,
): Outcome<BuiltCommand> {
  const s = m.singularity;
  if (!s) {
    return failed([
      error(
        'cube.no-image',
        `${m.file} has neither a singularity: nor a docker: section; the ${o.runner} runner needs one`,
        {
          file: m.file,
        },
      ),
    ]);
  }
  const exe = o.runner;
  const sif = path.join(s.imageDir, sifName(m, o));
  const bad = plan.mounts.map((x) => x.hostDir).find((d) => d.includes(':'));
  if (bad)
    return failed([error('cube.path-colon', `host path ${bad} contains ':', which --bind cannot express`)]);
  const { ep, after } = entrypointArgs(entrypoint, plan.task, plan.containerArgs);
  // -e (clean environment), -C (contain filesystems, PID, IPC), a network namespace with only loopback.
  const argv = [exe, ep ? 'exec' : 'run', '--cleanenv', '--containall', '--net', '--network', 'none'];
  // run_args come from the cube's author: only options that do not open the container are passed on; a
  // `--bind /:/host`, `--home`, `--network bridge` or `--add-caps` would undo the containment above.
  const runArgs = splitWords(s.runArgs).filter((w) => w !== '--writable');
  const unsafe = runArgs.filter((w) => !SAFE_SINGULARITY_RUN_ARGS.has(w));
  if (unsafe.length > 0) {
    return failed([
      error(
        'cube.unsafe-run-args',
        `singularity.run_args of ${m.file} has ${unsafe.join(' ')}, which gitperf does not pass on (it could mount host ` +
          `folders, reach the network or add privileges); allowed: ${[...SAFE_SINGULARITY_RUN_ARGS].join(' ')}`,
        { file: m.file },
      ),
    ]);
  }
  argv.push(...runArgs);
  if (gpuSelected(o.gpus)) argv.push('--nv');
  argv.push('--env', `MEDPERF_LOGLEVEL=${o.loglevel}`);
  for (const [k, v] of Object.entries({ ...(m.docker?.envArgs ?? {}), ...(o.env ?? {}) }))
    argv.push('--env', `${k}=${v}`);
  for (const mt of plan.mounts) argv.push('--bind', `${mt.hostDir}:${mt.containerDir}:${mt.mode}`);
  argv.push(sif);
  if (ep) argv.push(ep);
  argv.push(...after);
  let source = s.buildFile;
  if (o.imageArchive) source = `docker-archive://${o.imageArchive}`;
  else if (o.image) source = `docker://${o.image}`;
  else if (!source.startsWith('docker://')) source = path.resolve(m.root, source);
  const build = [exe, 'build', ...splitWords(s.buildArgs), sif, source];
  return ok({ argv, cwd: m.root, prepare: [{ when: 'missing-file', path: sif, argv: build }] });
}

function localCommand(m: Manifest, plan: MountPlan, o: CommandOptions): Outcome<BuiltCommand> {
  if (!m.local) {
    return failed([
      error(
        'cube.no-local-command',
        `${m.file} has no local: {command: ...} section; add one (e.g. command: python3 mlcube.py) or use a container runner`,
        { file: m.file },
      ),
    ]);
  }
  const env = {
    MEDPERF_LOGLEVEL: o.loglevel,
    PYTHONDONTWRITEBYTECODE: '1',
    ...(m.docker?.envArgs ?? {}),
    ...(o.env ?? {}),
  };
  const inner = [...m.local.command, plan.task, ...plan.hostArgs];
  if (!o.bwrap) return ok({ argv: inner, cwd: m.root, env });
  const argv = [o.bwrap, '--unshare-all', '--die-with-parent', '--new-session'];
  argv.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp');
  // Later binds win over earlier ones, and a bind hides what was mounted below it: bind shallow paths first.
  const binds: { dir: string; mode: 'ro' | 'rw' }[] = [
    { dir: m.root, mode: 'ro' },
    ...plan.mounts.map((x) => ({ dir: x.hostDir, mode: x.mode })),
    // Code linked into the cube folder (the local runner's source folder) may live under /tmp, which the sandbox
    // hides. Listed after the mounts so a folder that is also a parameter keeps the parameter's mode.
    ...linkTargets(m.root).map((dir) => ({ dir, mode: 'ro' as const })),
  ];
  const depth = (d: string) => d.split(path.sep).filter(Boolean).length;
  const seen = new Set<string>();
  for (const b of binds
    .map((b, i) => ({ ...b, i }))
    .sort((a, b) => depth(a.dir) - depth(b.dir) || a.i - b.i)) {
    if (seen.has(b.dir)) continue;
    seen.add(b.dir);
    argv.push(b.mode === 'rw' ? '--bind' : '--ro-bind', b.dir, b.dir);
  }
  argv.push('--chdir', m.root);
  for (const [k, v] of Object.entries(env)) argv.push('--setenv', k, v);
  argv.push('--', ...inner);
  return ok({ argv, cwd: m.root, env });
}

/** Real paths of the symlinks directly inside `dir` (none when it cannot be read). */
function linkTargets(dir: string): string[] {
  const out: string[] = [];
  try {
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isSymbolicLink()) {
        try {
          out.push(realpathSync(path.join(dir, e.name)));
        } catch {
          // a dangling link: the run reports the missing file itself
        }
      }
  } catch {
    // not readable: nothing extra to bind
  }
  return out;
}

export function localSandboxWarning(): Diagnostic {
  return warning(
    'cube.local-unsandboxed',
    'bubblewrap (bwrap) is not installed: the local runner runs the cube WITHOUT a sandbox, with full access to this ' +
      "machine's files and network. Install bubblewrap, or use --runner podman/docker.",
  );
}
