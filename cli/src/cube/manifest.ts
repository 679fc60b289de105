/**
 * Reads `mlcube.yaml` the way MLCube does (mlcube/config.py, runners' default sections): parameter shortcuts,
 * types, `${...}` references, the docker / singularity runner sections with their allowed keys, plus the gitperf
 * extension `local: {command: ...}`. Problems come back as diagnostics with the manifest's file and line.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { type Diagnostic, error, warning } from '../diagnostics/diagnostic.js';
import { PositionMap } from '../infra/yaml-positions.js';
import { parseContainerConfig } from './container-config.js';
import { interpolate, type Json } from './interpolate.js';
import { failed, type Outcome, ok } from './types.js';

export type ParamType = 'file' | 'directory' | 'unknown';

export interface ParamSpec {
  name: string;
  /** Declared type, or `directory` from a trailing slash, or `unknown` (resolved from the host at run time). */
  type: ParamType;
  /** Host path as written (after `${}`), relative paths being relative to the workspace. */
  default: string;
  opts?: 'ro' | 'rw';
  /** container_config.yaml: the fixed path inside the container the host path is bound to. */
  mountPath?: string;
  /** 1-based line of the parameter in the manifest. */
  line?: number;
}

/** container_config.yaml `run_args` of a task (MedPerf's allowed keys; isolation flags are gitperf's). */
export interface ContainerRunArgs {
  /** Words after the image (MedPerf splits a string like a shell); the task name is never added. */
  command: string[];
  /** `--entrypoint` (docker/podman) or the program `exec`ed in the SIF (singularity), verbatim. */
  entrypoint?: string;
  environment: Record<string, string>;
  /** `--shm-size` for docker/podman. */
  shmSize?: string;
  /** The cube's GPU request (`all`, `N`, `device=a,b`), used when the caller gives none. */
  gpus?: string;
}

export interface TaskSpec {
  name: string;
  /** `entrypoint:` of the task, replacing the image's entrypoint (MLCube semantics). */
  entrypoint?: string;
  inputs: ParamSpec[];
  outputs: ParamSpec[];
  /** container_config.yaml only: the task's run_args. */
  run?: ContainerRunArgs;
  line?: number;
}

export interface DockerSection {
  image: string;
  /** The manifest's executable (`docker`, `podman`, `sudo docker`); gitperf's runner choice wins over it. */
  docker: string;
  cpuArgs: string;
  gpuArgs: string;
  envArgs: Record<string, string>;
  buildArgs: Record<string, string>;
  buildContext: string;
  buildFile: string;
  buildStrategy: 'pull' | 'auto' | 'always';
  /** `--network`, `--security-opt`, `--gpus`, `--memory`, `--cpuset-cpus`, `--mount_opts` when set. */
  flags: Record<string, string>;
}

export interface SingularitySection {
  /** SIF file name inside imageDir. */
  image: string;
  /** Absolute folder for SIF files (default `<workspace>/.image`). */
  imageDir: string;
  singularity: string;
  buildArgs: string;
  /** Recipe file, or `docker://IMAGE` when derived from the docker section. */
  buildFile: string;
  runArgs: string;
  flags: Record<string, string | boolean>;
  /** True when the manifest has no `singularity:` section and it was derived from `docker:`. */
  derived: boolean;
}

/** MedPerf's container types gitperf runs (the encrypted ones are refused). */
export type ContainerType = 'DockerImage' | 'DockerArchive' | 'SingularityFile';

export interface Manifest {
  /** `mlcube` (MLCube's mlcube.yaml) or `container_config` (MedPerf's container_config.yaml), by content. */
  format: 'mlcube' | 'container_config';
  /** container_config.yaml: `container_type`. */
  containerType?: ContainerType;
  /** Absolute path of mlcube.yaml or container_config.yaml. */
  file: string;
  /** Folder of the manifest (MLCube's runtime.root). */
  root: string;
  /** `<root>/workspace` (MLCube's runtime.workspace). */
  workspace: string;
  name?: string;
  description?: string;
  acceleratorCount: number;
  /** container_config.yaml: `image` (a reference for DockerImage, the image file's URL otherwise). */
  image?: string;
  docker?: DockerSection;
  singularity?: SingularitySection;
  /** gitperf extension: the host command of the local runner, as an argument array. */
  local?: { command: string[] };
  /** Tasks in manifest order. */
  tasks: TaskSpec[];
}

const DOCKER_KEYS = new Set([
  'image',
  'docker',
  'cpu_args',
  'gpu_args',
  'env_args',
  'build_args',
  'build_context',
  'build_file',
  'build_strategy',
  '--network',
  '--security-opt',
  '--gpus',
  '--memory',
  '--cpuset-cpus',
  '--mount_opts',
]);
const SINGULARITY_KEYS = new Set([
  'image',
  'image_dir',
  'singularity',
  'build_args',
  'build_file',
  'run_args',
  '--network',
  '--security',
  '--vm-ram',
  '--vm-cpu',
  '--nv',
  '--mount_opts',
]);
const TASK_KEYS = new Set(['entrypoint', 'parameters']);
const PARAM_KEYS = new Set(['type', 'default', 'opts']);

/** Splits a command string the way a POSIX shell splits words (quotes and backslashes, no expansion). */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote === "'") {
      if (char === "'") quote = null;
      else cur += char;
    } else if (quote === '"') {
      if (char === '"') quote = null;
      else if (char === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) cur += text[++i];
      else cur += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      has = true;
    } else if (char === '\\' && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(char)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += char;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

/** The manifest file names a cube folder may hold (exactly one of them). */
export const MANIFEST_FILES = ['mlcube.yaml', 'container_config.yaml'] as const;

/**
 * The manifest of a cube folder: `mlcube.yaml` (MLCube) or `container_config.yaml` (MedPerf since 2025);
 * undefined when there is none, an error when there are both (which one runs would be a guess).
 */
export async function findManifestFile(cubeDir: string): Promise<Outcome<string | undefined>> {
  const present: string[] = [];
  for (const name of MANIFEST_FILES) {
    const file = path.resolve(cubeDir, name);
    // Synchronous, like the other small reads on a run's path (infra/sha256.ts says why).
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) present.push(file);
  }
  if (present.length > 1) {
    return failed([
      error(
        'manifest.ambiguous',
        `${path.resolve(cubeDir)} holds both mlcube.yaml and container_config.yaml; keep the one the cube is described by`,
        { file: present[1] },
      ),
    ]);
  }
  return ok(present[0]);
}

/** The file name a manifest's text belongs under: container_config.yaml when it has MedPerf's container_type. */
export function manifestFileName(text: string): (typeof MANIFEST_FILES)[number] {
  try {
    const raw = parseDocument(text).toJS({ maxAliasCount: 100 }) as unknown;
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'container_type' in raw)
      return 'container_config.yaml';
  } catch {
    // not YAML: loading it as mlcube.yaml reports the error with its line
  }
  return 'mlcube.yaml';
}

/** Loads the manifest of a cube folder (`mlcube.yaml` or `container_config.yaml`), or the given file. */
export async function loadManifest(cubeDirOrFile: string): Promise<Outcome<Manifest>> {
  let file: string;
  if (cubeDirOrFile.endsWith('.yaml') || cubeDirOrFile.endsWith('.yml')) file = path.resolve(cubeDirOrFile);
  else {
    const found = await findManifestFile(cubeDirOrFile);
    if (!found.ok) return failed(found.diagnostics);
    file = found.value ?? path.resolve(cubeDirOrFile, 'mlcube.yaml');
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return failed([
      error(
        'manifest.unreadable',
        code === 'ENOENT'
          ? `no cube manifest at ${file}; a cube folder must contain mlcube.yaml or container_config.yaml`
          : `cannot read the cube manifest ${file} (${code ?? String(e)})`,
        { file },
      ),
    ]);
  }
  // A procedure loads the same manifest several times (resolve, verify, plan each task); the parse depends only
  // on the file's path and text, unless the manifest reads the environment (`oc.env`).
  if (text.includes('oc.env:')) return parseManifest(text, file);
  const key = `${file}\0${text}`;
  let parsed = parsedManifests.get(key);
  if (!parsed) {
    parsed = parseManifest(text, file);
    if (parsedManifests.size >= 64) parsedManifests.clear();
    parsedManifests.set(key, parsed);
  }
  return structuredClone(parsed);
}

/** Parsed manifests by path and text (cloned on the way out: callers may adjust what they get). */
const parsedManifests = new Map<string, Outcome<Manifest>>();

/**
 * Parses manifest text. `file` is its absolute path: the folder gives runtime.root and the workspace.
 * `workspace` overrides the default `<root>/workspace` (MLCube's `--workspace`).
 */
export function parseManifest(
  text: string,
  file: string,
  opts: { workspace?: string; env?: NodeJS.ProcessEnv } = {},
): Outcome<Manifest> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const diags: Diagnostic[] = [];
  const positions = new PositionMap(text, { document: doc, lineCounter: lc });
  const at = (offset: number | undefined) =>
    offset === undefined ? { file } : { file, ...positions.offsetToPosition(offset) };
  for (const yamlError of doc.errors) {
    diags.push(
      error(
        'manifest.yaml-syntax',
        `mlcube.yaml is not valid YAML: ${yamlError.message.split('\n')[0]}`,
        at(yamlError.pos[0]),
      ),
    );
  }
  if (diags.length > 0) return failed(diags);
  const lineOf = (p: (string | number)[]) => ({ file, ...positions.position(p, 'key') });

  const raw = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return failed([
      error('manifest.not-a-mapping', 'mlcube.yaml must be a YAML mapping (name, docker, tasks, ...)', {
        file,
      }),
    ]);
  }
  const root = path.dirname(file);
  // MedPerf's container_config.yaml is told apart by content (its required container_type), not by file name.
  if ('container_type' in raw) {
    return parseContainerConfig(raw as { [k: string]: Json }, {
      file,
      root,
      workspace: opts.workspace ? path.resolve(opts.workspace) : path.join(root, 'workspace'),
      lineOf,
    });
  }
  const workspace = opts.workspace ? path.resolve(opts.workspace) : path.join(root, 'workspace');
  const merged = { ...(raw as { [k: string]: Json }) };
  // MLCube injects these before resolving references.
  merged.runtime = { root, workspace };
  merged.workspace = workspace;
  const { value: cfg, errors } = interpolate(merged, opts.env);
  for (const referenceError of errors)
    diags.push(error('manifest.reference', `${referenceError.message}`, lineOf(referenceError.path)));

  const str = (value: Json | undefined, keyPath: (string | number)[], what: string): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    diags.push(error('manifest.type', `${what} must be a string`, lineOf(keyPath)));
    return undefined;
  };
  const dict = (
    value: Json | undefined,
    keyPath: (string | number)[],
    what: string,
  ): Record<string, string> => {
    if (value === undefined || value === null || value === '') return {};
    if (typeof value === 'object' && !Array.isArray(value)) {
      const values: Record<string, string> = {};
      for (const [name, entry] of Object.entries(value))
        values[name] = entry === null ? '' : typeof entry === 'string' ? entry : JSON.stringify(entry);
      return values;
    }
    if (typeof value === 'string') {
      // MLCube passes a string through verbatim; split `K=V K2=V2` so it stays an argument array.
      const values: Record<string, string> = {};
      for (const word of splitWords(value.replace(/(^|\s)-e\s+/g, ' ').replace(/--env\s+/g, ' '))) {
        const equals = word.indexOf('=');
        if (equals > 0) values[word.slice(0, equals)] = word.slice(equals + 1);
      }
      return values;
    }
    diags.push(error('manifest.type', `${what} must be a mapping of names to values`, lineOf(keyPath)));
    return {};
  };

  // platform
  let acceleratorCount = 0;
  const platform = cfg.platform;
  if (platform !== undefined && platform !== null) {
    if (typeof platform !== 'object' || Array.isArray(platform)) {
      diags.push(error('manifest.type', 'platform must be a mapping', lineOf(['platform'])));
    } else if (platform.accelerator_count !== undefined && platform.accelerator_count !== null) {
      const count = Number(platform.accelerator_count);
      if (!Number.isInteger(count) || count < 0) {
        diags.push(
          error(
            'manifest.type',
            'platform.accelerator_count must be a whole number',
            lineOf(['platform', 'accelerator_count']),
          ),
        );
      } else acceleratorCount = count;
    }
  }

  // docker
  let docker: DockerSection | undefined;
  if (cfg.docker !== undefined && cfg.docker !== null) {
    const dockerSection = cfg.docker;
    if (typeof dockerSection !== 'object' || Array.isArray(dockerSection)) {
      diags.push(
        error('manifest.type', 'docker must be a mapping (image, build_context, ...)', lineOf(['docker'])),
      );
    } else {
      for (const key of Object.keys(dockerSection)) {
        if (!DOCKER_KEYS.has(key)) {
          diags.push(
            error(
              'manifest.unknown-key',
              `docker.${key} is not a docker runner setting (allowed: ${[...DOCKER_KEYS].join(', ')})`,
              lineOf(['docker', key]),
            ),
          );
        }
      }
      const image = str(dockerSection.image, ['docker', 'image'], 'docker.image');
      if (!image)
        diags.push(
          error(
            'manifest.docker-image',
            'docker.image is required (the image reference)',
            lineOf(['docker']),
          ),
        );
      const strategy =
        str(dockerSection.build_strategy, ['docker', 'build_strategy'], 'docker.build_strategy') ?? 'pull';
      if (!['pull', 'auto', 'always'].includes(strategy)) {
        diags.push(
          error(
            'manifest.value',
            'docker.build_strategy must be pull, auto or always',
            lineOf(['docker', 'build_strategy']),
          ),
        );
      }
      const flags: Record<string, string> = {};
      for (const key of Object.keys(dockerSection)) {
        if (key.startsWith('--')) {
          const value = str(dockerSection[key], ['docker', key], `docker.${key}`);
          if (value !== undefined && value !== '') flags[key] = value;
        }
      }
      docker = {
        image: image ?? '',
        docker: str(dockerSection.docker, ['docker', 'docker'], 'docker.docker') ?? 'docker',
        cpuArgs: str(dockerSection.cpu_args, ['docker', 'cpu_args'], 'docker.cpu_args') ?? '',
        gpuArgs: str(dockerSection.gpu_args, ['docker', 'gpu_args'], 'docker.gpu_args') ?? '',
        envArgs: dict(dockerSection.env_args, ['docker', 'env_args'], 'docker.env_args'),
        buildArgs: dict(dockerSection.build_args, ['docker', 'build_args'], 'docker.build_args'),
        buildContext:
          str(dockerSection.build_context, ['docker', 'build_context'], 'docker.build_context') ?? '.',
        buildFile:
          str(dockerSection.build_file, ['docker', 'build_file'], 'docker.build_file') ?? 'Dockerfile',
        buildStrategy: strategy as DockerSection['buildStrategy'],
        flags,
      };
    }
  }

  // singularity (derived from docker when absent, as MLCube does)
  let singularity: SingularitySection | undefined;
  const singularitySection = cfg.singularity;
  if (singularitySection !== undefined && singularitySection !== null) {
    if (typeof singularitySection !== 'object' || Array.isArray(singularitySection)) {
      diags.push(
        error(
          'manifest.type',
          'singularity must be a mapping (image, image_dir, ...)',
          lineOf(['singularity']),
        ),
      );
    } else {
      for (const key of Object.keys(singularitySection)) {
        if (!SINGULARITY_KEYS.has(key)) {
          diags.push(
            error(
              'manifest.unknown-key',
              `singularity.${key} is not a singularity runner setting (allowed: ${[...SINGULARITY_KEYS].join(', ')})`,
              lineOf(['singularity', key]),
            ),
          );
        }
      }
      const image = str(singularitySection.image, ['singularity', 'image'], 'singularity.image');
      if (!image) {
        diags.push(
          error(
            'manifest.singularity-image',
            'singularity.image is required (the SIF file name)',
            lineOf(['singularity']),
          ),
        );
      }
      const flags: Record<string, string | boolean> = {};
      for (const key of Object.keys(singularitySection)) {
        if (key.startsWith('--')) {
          const value = singularitySection[key];
          if (typeof value === 'boolean') flags[key] = value;
          else if (value !== null && value !== '') flags[key] = String(value);
        }
      }
      const imageDir =
        str(singularitySection.image_dir, ['singularity', 'image_dir'], 'singularity.image_dir') ??
        path.join(workspace, '.image');
      singularity = {
        image: image ?? '',
        imageDir: path.resolve(root, imageDir),
        singularity:
          str(singularitySection.singularity, ['singularity', 'singularity'], 'singularity.singularity') ??
          'singularity',
        buildArgs:
          str(singularitySection.build_args, ['singularity', 'build_args'], 'singularity.build_args') ??
          '--fakeroot',
        buildFile:
          str(singularitySection.build_file, ['singularity', 'build_file'], 'singularity.build_file') ??
          'Singularity.recipe',
        runArgs: str(singularitySection.run_args, ['singularity', 'run_args'], 'singularity.run_args') ?? '',
        flags,
        derived: false,
      };
    }
  } else if (docker?.image) {
    singularity = {
      image: `${docker.image.replace(/[^A-Za-z0-9]/g, '')}.sif`,
      imageDir: path.join(workspace, '.image'),
      singularity: 'singularity',
      buildArgs: '--fakeroot',
      buildFile: `docker://${docker.image}`,
      runArgs: '',
      flags: {},
      derived: true,
    };
  }

  // local (gitperf extension)
  const local = parseLocalSection(cfg.local, lineOf, diags);

  // tasks
  const tasks: TaskSpec[] = [];
  const taskMap = cfg.tasks;
  if (
    taskMap === undefined ||
    taskMap === null ||
    typeof taskMap !== 'object' ||
    Array.isArray(taskMap) ||
    Object.keys(taskMap).length === 0
  ) {
    diags.push(
      error(
        'manifest.tasks',
        'tasks must be a mapping with at least one task (e.g. prepare, infer, evaluate)',
        lineOf(['tasks']),
      ),
    );
  } else {
    for (const [name, tv] of Object.entries(taskMap)) {
      const tp = ['tasks', name];
      const task: TaskSpec = { name, inputs: [], outputs: [], line: lineOf(tp).line };
      if (tv !== null && (typeof tv !== 'object' || Array.isArray(tv))) {
        diags.push(error('manifest.type', `task ${name} must be a mapping with parameters`, lineOf(tp)));
        continue;
      }
      const tobj = tv ?? {};
      for (const key of Object.keys(tobj)) {
        if (!TASK_KEYS.has(key)) {
          diags.push(
            error(
              'manifest.unknown-key',
              `tasks.${name}.${key} is not a task setting (allowed: entrypoint, parameters)`,
              lineOf([...tp, key]),
            ),
          );
        }
      }
      task.entrypoint = str(tobj.entrypoint, [...tp, 'entrypoint'], `tasks.${name}.entrypoint`);
      const params = tobj.parameters;
      if (params !== undefined && params !== null) {
        if (typeof params !== 'object' || Array.isArray(params)) {
          diags.push(
            error(
              'manifest.type',
              `tasks.${name}.parameters must be a mapping of inputs and outputs`,
              lineOf([...tp, 'parameters']),
            ),
          );
        } else {
          for (const key of Object.keys(params)) {
            if (key !== 'inputs' && key !== 'outputs') {
              diags.push(
                error(
                  'manifest.unknown-key',
                  `tasks.${name}.parameters.${key} must be inputs or outputs`,
                  lineOf([...tp, 'parameters', key]),
                ),
              );
            }
          }
          for (const io of ['inputs', 'outputs'] as const) {
            const group = params[io];
            const gp = [...tp, 'parameters', io];
            if (group === undefined || group === null) continue;
            if (typeof group !== 'object' || Array.isArray(group)) {
              diags.push(
                error(
                  'manifest.type',
                  `tasks.${name}.parameters.${io} must be a mapping of parameter names`,
                  lineOf(gp),
                ),
              );
              continue;
            }
            for (const [pname, pv] of Object.entries(group)) {
              const param = normaliseParam(
                pname,
                pv,
                [...gp, pname],
                `tasks.${name}.parameters.${io}.${pname}`,
                diags,
                lineOf,
              );
              if (!param) continue;
              if (io === 'outputs' && param.type === 'unknown') {
                diags.push(
                  warning(
                    'manifest.output-type-unknown',
                    `output ${pname} of task ${name} has no type and no trailing slash; give it type: file or type: directory, or pass a path ending in /`,
                    lineOf([...gp, pname]),
                  ),
                );
              }
              if (io === 'outputs' && param.opts === 'ro') {
                diags.push(
                  warning(
                    'manifest.output-ro',
                    `output ${pname} of task ${name} asks for opts: ro; outputs are mounted read-write`,
                    lineOf([...gp, pname]),
                  ),
                );
              }
              task[io].push(param);
            }
          }
          const seen = new Set<string>();
          for (const param of [...task.inputs, ...task.outputs]) {
            if (seen.has(param.name)) {
              diags.push(
                error(
                  'manifest.duplicate-parameter',
                  `task ${name} declares ${param.name} as both an input and an output`,
                  { file, line: param.line },
                ),
              );
            }
            seen.add(param.name);
          }
        }
      }
      tasks.push(task);
    }
  }

  if (!docker && !singularity && !local) {
    diags.push(
      error(
        'manifest.no-runner',
        'mlcube.yaml needs a docker: section (image), a singularity: section or a local: command',
        { file },
      ),
    );
  }

  if (diags.some((d) => d.severity === 'error')) return failed(diags);
  const name = typeof cfg.name === 'string' ? cfg.name : undefined;
  const description = typeof cfg.description === 'string' ? cfg.description : undefined;
  return ok(
    {
      format: 'mlcube',
      file,
      root,
      workspace,
      name,
      description,
      acceleratorCount,
      docker,
      singularity,
      local,
      tasks,
    },
    diags,
  );
}

export type LineOf = (p: (string | number)[]) => { file: string; line?: number; column?: number };

/** gitperf's `local: {command: ...}` (both manifest formats): the local runner's host command as words. */
export function parseLocalSection(
  localSection: Json | undefined,
  lineOf: LineOf,
  diags: Diagnostic[],
): Manifest['local'] {
  if (localSection === undefined || localSection === null) return undefined;
  if (typeof localSection !== 'object' || Array.isArray(localSection)) {
    diags.push(error('manifest.type', 'local must be a mapping with a command', lineOf(['local'])));
    return undefined;
  }
  for (const key of Object.keys(localSection)) {
    if (key !== 'command') {
      diags.push(
        error(
          'manifest.unknown-key',
          `local.${key} is not a local runner setting (allowed: command)`,
          lineOf(['local', key]),
        ),
      );
    }
  }
  const localCommand = localSection.command;
  let command: string[] = [];
  if (typeof localCommand === 'string') command = splitWords(localCommand);
  else if (Array.isArray(localCommand) && localCommand.every((x) => typeof x === 'string'))
    command = localCommand as string[];
  else {
    diags.push(
      error(
        'manifest.local-command',
        'local.command must be a command string or a list of strings',
        lineOf(['local', 'command']),
      ),
    );
  }
  if (command.length > 0) return { command };
  if (typeof localCommand === 'string' || Array.isArray(localCommand)) {
    diags.push(error('manifest.local-command', 'local.command is empty', lineOf(['local', 'command'])));
  }
  return undefined;
}

function normaliseParam(
  name: string,
  value: Json,
  keyPath: (string | number)[],
  what: string,
  diags: Diagnostic[],
  lineOf: LineOf,
): ParamSpec | undefined {
  const line = lineOf(keyPath).line;
  let def: Record<string, Json>;
  if (value === null) def = {};
  else if (typeof value === 'string') def = { default: value };
  else if (typeof value === 'object' && !Array.isArray(value)) def = value;
  else {
    diags.push(
      error('manifest.type', `${what} must be a path or a mapping {type, default, opts}`, lineOf(keyPath)),
    );
    return undefined;
  }
  for (const key of Object.keys(def)) {
    if (!PARAM_KEYS.has(key)) {
      diags.push(
        error(
          'manifest.unknown-key',
          `${what}.${key} is not a parameter setting (allowed: type, default, opts)`,
          lineOf([...keyPath, key]),
        ),
      );
    }
  }
  const type = def.type ?? 'unknown';
  if (type !== 'file' && type !== 'directory' && type !== 'unknown') {
    diags.push(
      error(
        'manifest.value',
        `${what}.type must be file, directory or unknown`,
        lineOf([...keyPath, 'type']),
      ),
    );
    return undefined;
  }
  const dflt = def.default ?? name;
  if (typeof dflt !== 'string' || dflt === '') {
    diags.push(
      error('manifest.type', `${what}.default must be a non-empty path`, lineOf([...keyPath, 'default'])),
    );
    return undefined;
  }
  const opts = def.opts;
  if (opts !== undefined && opts !== null && opts !== 'ro' && opts !== 'rw') {
    diags.push(error('manifest.value', `${what}.opts must be ro or rw`, lineOf([...keyPath, 'opts'])));
    return undefined;
  }
  return {
    name,
    type: withSlashRule(type, dflt),
    default: dflt,
    ...(opts ? { opts } : {}),
    line,
  };
}

/** MLCube: an untyped parameter whose path ends in a separator is a directory. */
export function withSlashRule(type: ParamType, paramPath: string): ParamType {
  return type === 'unknown' && (paramPath.endsWith('/') || paramPath.endsWith('\\')) ? 'directory' : type;
}

/** The task called `name` in the manifest, if there is one. */
export function findTask(manifest: Manifest, name: string): TaskSpec | undefined {
  return manifest.tasks.find((t) => t.name === name);
}
