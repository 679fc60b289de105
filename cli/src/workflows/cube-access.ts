/**
 * CubeExecution on top of the cube engine (cli/src/cube): cubes given as folders run as they are (hashes of
 * the manifest and parameters file on disk), registered cubes (`owner/name`) are materialised from the
 * registry into `$GITPERF_HOME/cubes/<owner>/<name>/` with every resource verified, on every use.
 */
import { mkdir, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  CODE_FOLDER,
  cubeFolderHashes,
  fetchTarball,
  findManifestFile,
  findTask,
  type LocalSandbox,
  loadManifest,
  type Manifest,
  type MlcubeSpec,
  materialiseCube,
  registeredCodeFolder,
  runTask,
  verifyCubeFolder,
} from '../cube/index.js';
import { type Diagnostic, GitperfError } from '../diagnostics/diagnostic.js';
import { slug } from '../infra/slug.js';
import { isOwnedRef } from '../registry/kinds.js';
import { registeredHashes } from '../registry/registered-hashes.js';
import type { CubeRole } from '../registry/types.generated.js';
import { engineFailure } from './engine-failure.js';
import type { CubeExecution, ReadyCube, RunnerKind, RunTaskOptions, TaskOutcome } from './execution.js';
import { layout as defaultLayout, type Layout } from './layout.js';
import { mlcubeSpec, openRegistry, type RegistryView } from './registry-access.js';

export interface CubeAccessOptions {
  runner: RunnerKind;
  layout?: Layout;
  /** Registry folder (or repository) for `owner/name` cubes and relative resource URLs. */
  registryDir?: string;
  /** An already opened registry (wins over registryDir). */
  registry?: RegistryView;
  /** Refs to record for cubes given as folders (folder → `owner/name`); default `local/<folder name>`. */
  folderRefs?: Record<string, string>;
  /** Environment of docker/podman (e.g. DOCKER_HOST, CONTAINERS_CONF). */
  engineEnv?: NodeJS.ProcessEnv;
  /**
   * Local runner sandbox (default `bwrap`: refuse to run without bubblewrap; `none`: the user's explicit
   * `--unsafe-no-sandbox`; `auto`: bwrap when installed, for the demo's own example cubes only).
   */
  sandbox?: LocalSandbox;
  /** Warnings from the engine (sandbox missing, unpinned image ...), reported once each. */
  onWarning?: (d: Diagnostic) => void;
  /** MEDPERF_LOGLEVEL for every cube (`--container-loglevel`); unset when absent, as in MedPerf. */
  containerLoglevel?: string;
}

function throwAll(diags: Diagnostic[], fallback: string): never {
  const first = diags.find((d) => d.severity === 'error') ?? {
    code: 'cube.failed',
    message: fallback,
    severity: 'error' as const,
  };
  const rest = diags.filter((d) => d !== first && d.severity === 'error').map((d) => d.message);
  throw new GitperfError({ ...first, message: [first.message, ...rest].join('; ') });
}

function readyCube(ref: string, dir: string, manifest: Manifest, hashes: ReadyCube['hashes']): ReadyCube {
  return {
    ref,
    dir,
    hashes,
    tasks: manifest.tasks.map((t) => t.name),
    declares(task, param) {
      const taskSpec = findTask(manifest, task);
      return Boolean(taskSpec && [...taskSpec.inputs, ...taskSpec.outputs].some((p) => p.name === param));
    },
  };
}

export function cubeAccess(opts: CubeAccessOptions): CubeExecution {
  const lay = opts.layout ?? defaultLayout();
  const seen = new Set<string>();
  const warn = (ds: Diagnostic[]) => {
    for (const diagnostic of ds) {
      if (diagnostic.severity === 'error') continue;
      const key = `${diagnostic.code}:${diagnostic.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      opts.onWarning?.(diagnostic);
    }
  };
  // Read once per CubeExecution (one procedure), so every cube of a run comes from the same registry state.
  let registryView: Promise<RegistryView> | undefined;
  const registry = (): Promise<RegistryView> => {
    if (opts.registry) return Promise.resolve(opts.registry);
    registryView ??= openRegistry(opts.registryDir);
    registryView.catch(() => {
      registryView = undefined;
    });
    return registryView;
  };
  // One procedure asks for the same cube more than once (e.g. the preparator check): verify once per call site.
  const resolved = new Map<string, Promise<ReadyCube>>();

  async function fromFolder(dir: string): Promise<ReadyCube> {
    const tampered = await verifyCubeFolder(dir);
    if (tampered.length > 0) throwAll(tampered, `the cube folder ${dir} does not match its record`);
    const manifest = await loadManifest(dir);
    if (!manifest.ok) throwAll(manifest.diagnostics, `cannot read the manifest in ${dir}`);
    warn(manifest.diagnostics);
    const ref =
      opts.folderRefs?.[dir] ??
      opts.folderRefs?.[resolve(dir)] ??
      `local/${slug(manifest.value.name ?? basename(dir), { fallback: 'cube' })}`;
    return readyCube(ref, dir, manifest.value, await cubeFolderHashes(dir));
  }

  async function fromRegistry(ref: string): Promise<ReadyCube> {
    const reg = await registry();
    const spec = mlcubeSpec(reg, ref);
    const [owner, name] = ref.split('/');
    const materialised = await materialiseCube(spec as MlcubeSpec, {
      dest: lay.cube(owner, name),
      hashes: registeredHashes(spec),
      ref,
      runner: opts.runner,
      baseDir: reg.repoRoot,
      home: lay.home,
      engineEnv: opts.engineEnv,
    });
    if (!materialised.ok) throwAll(materialised.diagnostics, `cannot prepare the MLCube ${ref}`);
    warn(materialised.diagnostics);
    if (opts.runner === 'local') {
      const dir = await layOutLocalCode(ref, spec as MlcubeSpec, materialised.value);
      return readyCube(ref, dir, materialised.value.manifest, materialised.value.hashes);
    }
    return readyCube(ref, materialised.value.dir, materialised.value.manifest, materialised.value.hashes);
  }

  return {
    runner: opts.runner,
    cube(source: string, _role: CubeRole): Promise<ReadyCube> {
      let pending = resolved.get(source);
      if (!pending) {
        pending = (async () => {
          const dir = resolve(source);
          const found = await findManifestFile(dir);
          if (!found.ok) return throwAll(found.diagnostics, `cannot read the cube folder ${dir}`);
          if (found.value) return fromFolder(dir);
          if (isOwnedRef(source)) return fromRegistry(source);
          return throwAll(
            [],
            `${source} is neither a cube folder (with mlcube.yaml or container_config.yaml) nor an MLCube reference owner/name`,
          );
        })();
        resolved.set(source, pending);
        pending.catch(() => resolved.delete(source));
      }
      return pending;
    },

    async run(cube, task, params, options: RunTaskOptions = {}): Promise<TaskOutcome> {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const outcome = await runTask({
        cubeDir: cube.dir,
        task,
        runner: opts.runner,
        params,
        timeoutSeconds: options.timeoutSeconds,
        home: lay.home,
        logFile: options.logName ? join(lay.logs, `${stamp}-${options.logName}.log`) : undefined,
        engineEnv: opts.engineEnv,
        sandbox: opts.sandbox,
        loglevel: opts.containerLoglevel,
      });
      if (!outcome.ok)
        return { ok: false, exitCode: null, timedOut: false, seconds: 0, diagnostics: outcome.diagnostics };
      warn(outcome.value.warnings);
      return {
        ok: outcome.value.succeeded,
        exitCode: outcome.value.exitCode,
        timedOut: outcome.value.timedOut,
        logFile: outcome.value.logPath,
        seconds: outcome.value.durationMs / 1000,
        diagnostics: outcome.value.succeeded
          ? []
          : [engineFailure(opts.runner, outcome.value.exitCode, outcome.value.logPath)].filter(
              (d) => d !== undefined,
            ),
      };
    },

    async demo(resource) {
      const reg = await registry().catch(() => undefined);
      const hex = resource.sha256.replace(/^sha256:/, '');
      const dest = lay.demo(hex);
      // Extracted again on every use from the re-verified tarball: the extracted copy could have been edited.
      const extracted = await fetchTarball(resource, dest, {
        baseDir: reg?.repoRoot,
        home: lay.home,
        label: 'demo dataset',
      });
      if (!extracted.ok) throwAll(extracted.diagnostics, `cannot fetch the demo dataset ${resource.url}`);
      warn(extracted.diagnostics);
      return dest;
    },
  };
}

/**
 * A registered cube's code for the local runner is its registered `spec.code`, which materialise verified and
 * extracted into `<cube>/.code/` (re-checked before every run): it is laid out where the manifest's local command
 * expects it. Beside the manifest (the flat layout, `python3 project/mlcube.py`): each of its entries is linked
 * into the cube folder. In MLCube's standard layout (`mlcube/` beside its build context `../project`): the cube
 * runs from a view `<cube>/.local/mlcube/` (links to the verified files) beside `<cube>/.local/project` (a link
 * to the verified code), so `python3 ../project/mlcube.py` resolves. Returns the folder to run.
 */
async function layOutLocalCode(
  ref: string,
  spec: MlcubeSpec,
  cube: { dir: string; manifest: Manifest },
): Promise<string> {
  if (!spec.code) {
    return throwAll(
      [
        {
          code: 'cube.code-not-registered',
          severity: 'error',
          message:
            `the local runner runs a registered cube only from code registered with it, and ${ref} registers none (spec.code). ` +
            `Its owner registers it with \`gitperf mlcube submit ... --code <the cube's code folder or a tar archive of it>\` ` +
            '(recorded automatically when the manifest is a local file); until then use a container runner, or run the ' +
            "cube's own folder (`gitperf cube run --cube DIR`, or its folder instead of its reference)",
        },
      ],
      `no registered code for ${ref}`,
    );
  }
  const code = join(cube.dir, CODE_FOLDER);
  const folder = registeredCodeFolder(cube.manifest);
  const context = folder === '.' ? undefined : folder;
  if (context) {
    if (dirname(context) !== '..') {
      return throwAll(
        [],
        `the local runner cannot lay out the build context ${context} of ${ref} (only a folder beside the manifest's, such as ../project); use a container runner`,
      );
    }
    const view = join(cube.dir, '.local');
    const dir = join(view, 'mlcube');
    await rm(view, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const entry of await readdir(cube.dir)) {
      if (entry === '.local') continue;
      await symlink(join(cube.dir, entry), join(dir, entry));
    }
    await symlink(code, join(view, basename(context)));
    return dir;
  }
  for (const entry of await readdir(code)) {
    const link = join(cube.dir, entry);
    const target = join(CODE_FOLDER, entry);
    // Relative, inside the cube folder: the sandbox binds that folder, so the links resolve inside it too.
    if ((await readlink(link).catch(() => undefined)) === target) continue;
    await rm(link, { recursive: true, force: true });
    await symlink(target, link);
  }
  return cube.dir;
}
