/**
 * CubeExecution on top of the cube engine (cli/src/cube): cubes given as folders run as they are (hashes of
 * the manifest and parameters file on disk), registered cubes (`owner/name`) are materialised from the
 * registry into `$GITPERF_HOME/cubes/<owner>/<name>/` with every resource verified, on every use.
 */
import { mkdir, readdir, readlink, realpath, rm, stat, symlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cubeFolderHashes,
  fetchTarball,
  findManifestFile,
  findTask,
  type LocalSandbox,
  loadManifest,
  MANIFEST_FILES,
  type Manifest,
  type MlcubeSpec,
  materialiseCube,
  runTask,
  verifyCubeFolder,
} from '../cube/index.js';
import { type Diagnostic, GitperfError, warning } from '../diagnostics/diagnostic.js';
import { slug } from '../infra/slug.js';
import { isOwnedRef } from '../registry/kinds.js';
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

function readyCube(ref: string, dir: string, m: Manifest, hashes: ReadyCube['hashes']): ReadyCube {
  return {
    ref,
    dir,
    hashes,
    tasks: m.tasks.map((t) => t.name),
    declares(task, param) {
      const t = findTask(m, task);
      return Boolean(t && [...t.inputs, ...t.outputs].some((p) => p.name === param));
    },
  };
}

export function cubeAccess(opts: CubeAccessOptions): CubeExecution {
  const lay = opts.layout ?? defaultLayout();
  const seen = new Set<string>();
  const warn = (ds: Diagnostic[]) => {
    for (const d of ds) {
      if (d.severity === 'error') continue;
      const k = `${d.code}:${d.message}`;
      if (seen.has(k)) continue;
      seen.add(k);
      opts.onWarning?.(d);
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
    const m = await loadManifest(dir);
    if (!m.ok) throwAll(m.diagnostics, `cannot read the manifest in ${dir}`);
    warn(m.diagnostics);
    const ref =
      opts.folderRefs?.[dir] ??
      opts.folderRefs?.[resolve(dir)] ??
      `local/${slug(m.value.name ?? basename(dir), { fallback: 'cube' })}`;
    return readyCube(ref, dir, m.value, await cubeFolderHashes(dir));
  }

  async function fromRegistry(ref: string): Promise<ReadyCube> {
    const reg = await registry();
    const spec = mlcubeSpec(reg, ref);
    const [owner, name] = ref.split('/');
    const m = await materialiseCube(spec as MlcubeSpec, {
      dest: lay.cube(owner, name),
      ref,
      runner: opts.runner,
      baseDir: reg.repoRoot,
      home: lay.home,
      engineEnv: opts.engineEnv,
    });
    if (!m.ok) throwAll(m.diagnostics, `cannot prepare the MLCube ${ref}`);
    warn(m.diagnostics);
    if (opts.runner === 'local') {
      const dir = await linkLocalCode(ref, spec.manifest.url, reg.repoRoot, m.value, warn);
      return readyCube(ref, dir, m.value.manifest, m.value.hashes);
    }
    return readyCube(ref, m.value.dir, m.value.manifest, m.value.hashes);
  }

  return {
    runner: opts.runner,
    cube(source: string, _role: CubeRole): Promise<ReadyCube> {
      let p = resolved.get(source);
      if (!p) {
        p = (async () => {
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
        resolved.set(source, p);
        p.catch(() => resolved.delete(source));
      }
      return p;
    },

    async run(cube, task, params, o: RunTaskOptions = {}): Promise<TaskOutcome> {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const r = await runTask({
        cubeDir: cube.dir,
        task,
        runner: opts.runner,
        params,
        timeoutSeconds: o.timeoutSeconds,
        home: lay.home,
        logFile: o.logName ? join(lay.logs, `${stamp}-${o.logName}.log`) : undefined,
        engineEnv: opts.engineEnv,
        sandbox: opts.sandbox,
        loglevel: opts.containerLoglevel,
      });
      if (!r.ok)
        return { ok: false, exitCode: null, timedOut: false, seconds: 0, diagnostics: r.diagnostics };
      warn(r.value.warnings);
      return {
        ok: r.value.succeeded,
        exitCode: r.value.exitCode,
        timedOut: r.value.timedOut,
        logFile: r.value.logPath,
        seconds: r.value.durationMs / 1000,
        diagnostics: r.value.succeeded
          ? []
          : [engineFailure(opts.runner, r.value.exitCode, r.value.logPath)].filter((d) => d !== undefined),
      };
    },

    async demo(resource) {
      const reg = await registry().catch(() => undefined);
      const hex = resource.sha256.replace(/^sha256:/, '');
      const dest = lay.demo(hex);
      // Extracted again on every use from the re-verified tarball: the extracted copy could have been edited.
      const x = await fetchTarball(resource, dest, {
        baseDir: reg?.repoRoot,
        home: lay.home,
        label: 'demo dataset',
      });
      if (!x.ok) throwAll(x.diagnostics, `cannot fetch the demo dataset ${resource.url}`);
      warn(x.diagnostics);
      return dest;
    },
  };
}

/**
 * A registered cube's code lives in its image; the registry does not hold it. The local runner (development,
 * demos, tests) runs the code from the folder the registered manifest comes from: everything there except the
 * manifest and workspace/ (which stay the verified copies) is linked into the materialised folder. A cube in
 * MLCube's standard layout (`mlcube/` beside its build context `../project`) runs from a view that keeps that
 * layout: `<cube>/.local/mlcube/` (links to the verified files) beside `<cube>/.local/project` (a link to the
 * code), so `python3 ../project/mlcube.py` resolves. Returns the folder to run.
 */
async function linkLocalCode(
  ref: string,
  manifestUrl: string,
  repoRoot: string,
  cube: { dir: string; manifest: Manifest },
  warn: (ds: Diagnostic[]) => void,
): Promise<string> {
  let src: string;
  if (/^file:\/\//i.test(manifestUrl)) src = dirname(fileURLToPath(manifestUrl));
  else if (/^https?:\/\//i.test(manifestUrl))
    return throwAll(
      [],
      `the local runner needs the code of ${ref}, but its manifest is remote (${manifestUrl}); use a container runner, or give the cube's folder instead of its reference`,
    );
  else src = dirname(isAbsolute(manifestUrl) ? manifestUrl : join(repoRoot, manifestUrl));
  const context = await sourceBuildContext(src, cube.manifest);
  let dir = cube.dir;
  if (context) {
    if (dirname(context.relative) !== '..') {
      return throwAll(
        [],
        `the local runner cannot lay out the build context ${context.relative} of ${ref} (only a folder beside the manifest's, such as ../project); use a container runner`,
      );
    }
    const view = join(cube.dir, '.local');
    dir = join(view, basename(src));
    await rm(view, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const e of await readdir(cube.dir)) {
      if (e === '.local' || e === basename(dir)) continue;
      await symlink(join(cube.dir, e), join(dir, e));
    }
    await symlink(context.folder, join(view, basename(context.relative)));
  }
  for (const e of await readdir(src).catch(() => [] as string[])) {
    if ((MANIFEST_FILES as readonly string[]).includes(e) || e === 'workspace' || e.startsWith('.')) continue;
    const link = join(dir, e);
    // Link to the real path: the sandbox binds real paths only, so a chain of links through folders it does not
    // bind (a test fixture linking to examples/, say) would dangle inside it.
    const target = await realpath(join(src, e)).catch(() => join(src, e));
    // A reused cube folder may still link to the code of an older registry snapshot: point it at this one.
    if ((await readlink(link).catch(() => undefined)) === target) continue;
    await rm(link, { force: true });
    await symlink(target, link);
  }
  warn([
    warning(
      'cube.local-code',
      `local runner: the code of ${ref} runs from ${context?.folder ?? src}; the registry verifies its manifest, parameters and additional files, not this code (a container runner runs the registered image)`,
    ),
  ]);
  return dir;
}

/** The registered manifest's build context outside its folder (MLCube's standard layout), if any. */
async function sourceBuildContext(
  src: string,
  m: Manifest,
): Promise<{ folder: string; relative: string } | undefined> {
  if (m.format !== 'mlcube') return undefined;
  const declared = m.docker?.buildContext;
  const relative = declared && declared !== '.' ? normalize(declared) : join('..', 'project');
  if (!relative.startsWith(`..${sep}`)) return undefined;
  const folder = resolve(src, relative);
  if (
    !(await stat(folder).then(
      (st) => st.isDirectory(),
      () => false,
    ))
  )
    return undefined;
  return { folder, relative };
}
