/**
 * Reads MedPerf's `container_config.yaml` (MedPerf since 2025, cli/medperf/containers/parsers/) into the same
 * Manifest model as mlcube.yaml: `container_type`, `image`, and per task `input_volumes` / `output_volumes`
 * (`{mount_path, type: file|directory}` keyed by the name MedPerf binds a host path to) and `run_args`
 * (MedPerf's allowed keys: command, entrypoint, environment, shm_size, gpus). Plus gitperf's
 * `local: {command: ...}` for the local runner. Encrypted container types are refused: running them needs
 * MedPerf's key exchange, which gitperf does not have.
 */
import path from 'node:path';
import { type Diagnostic, error, warning } from '../diagnostics/diagnostic.js';
import type { Json } from './interpolate.js';
import {
  type ContainerRunArgs,
  type ContainerType,
  type LineOf,
  type Manifest,
  type ParamSpec,
  parseLocalSection,
  splitWords,
  type TaskSpec,
} from './manifest.js';
import { failed, type Outcome, ok } from './types.js';

const CONTAINER_TYPES: readonly ContainerType[] = ['DockerImage', 'DockerArchive', 'SingularityFile'];
const ENCRYPTED_TYPES = ['EncryptedDockerArchive', 'EncryptedSingularityFile'];
const TOP_KEYS = new Set(['container_type', 'image', 'tasks', 'local']);
const TASK_KEYS = new Set(['input_volumes', 'output_volumes', 'run_args']);
const VOLUME_KEYS = new Set(['mount_path', 'type']);
/** MedPerf's check_allowed_run_args: anything else (privileged, network, volumes...) is refused there too. */
const RUN_ARG_KEYS = new Set(['command', 'entrypoint', 'environment', 'shm_size', 'gpus']);

/**
 * Host paths MedPerf always binds itself (cube.py's extra_mounts): the cube's parameters file and its extracted
 * additional files. Every other volume defaults, like an MLCube parameter without a default, to its own name in
 * the workspace, so `cube run` works on a bare folder; the workflows bind the MedPerf names explicitly.
 */
const MEDPERF_DEFAULTS: Record<string, string> = {
  parameters_file: 'parameters.yaml',
  additional_files: 'additional_files',
};

type JsonMap = { [k: string]: Json };

function isMap(value: Json | undefined): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseContainerConfig(
  cfg: JsonMap,
  at: { file: string; root: string; workspace: string; lineOf: LineOf },
): Outcome<Manifest> {
  const { file, root, workspace, lineOf } = at;
  const diags: Diagnostic[] = [];
  for (const key of Object.keys(cfg)) {
    if (!TOP_KEYS.has(key)) {
      diags.push(
        warning(
          'manifest.unknown-key',
          `${key} is not a container_config.yaml setting gitperf knows (known: ${[...TOP_KEYS].join(', ')}); it is ignored`,
          lineOf([key]),
        ),
      );
    }
  }

  let containerType: ContainerType | undefined;
  const ct = cfg.container_type;
  if (typeof ct === 'string' && ENCRYPTED_TYPES.includes(ct)) {
    diags.push(
      error(
        'manifest.encrypted-container',
        `container_type ${ct}: encrypted containers need key exchange, which gitperf does not support yet; register the unencrypted image (DockerImage, DockerArchive or SingularityFile)`,
        lineOf(['container_type']),
      ),
    );
  } else if (typeof ct === 'string' && (CONTAINER_TYPES as readonly string[]).includes(ct)) {
    containerType = ct as ContainerType;
  } else {
    diags.push(
      error(
        'manifest.container-type',
        `container_type must be one of ${CONTAINER_TYPES.join(', ')} (got ${JSON.stringify(ct)})`,
        lineOf(['container_type']),
      ),
    );
  }

  const image = cfg.image;
  if (typeof image !== 'string' || image === '') {
    diags.push(
      error(
        'manifest.image',
        'image is required: the image reference (DockerImage) or the URL of the image file',
        lineOf(['image']),
      ),
    );
  }

  const local = parseLocalSection(cfg.local, lineOf, diags);

  const tasks: TaskSpec[] = [];
  const taskMap = cfg.tasks;
  if (!isMap(taskMap) || Object.keys(taskMap).length === 0) {
    diags.push(
      error(
        'manifest.tasks',
        'tasks must be a mapping with at least one task (e.g. prepare, infer, evaluate)',
        lineOf(['tasks']),
      ),
    );
  } else {
    for (const [name, tv] of Object.entries(taskMap)) {
      const task = parseTask(name, tv, lineOf, diags);
      if (task) tasks.push(task);
    }
  }

  if (diags.some((d) => d.severity === 'error')) return failed(diags);
  return ok(
    {
      format: 'container_config',
      containerType,
      image: image as string,
      file,
      root,
      workspace,
      acceleratorCount: 0,
      local,
      tasks,
    },
    diags,
  );
}

function parseTask(name: string, tv: Json, lineOf: LineOf, diags: Diagnostic[]): TaskSpec | undefined {
  const tp = ['tasks', name];
  if (tv !== null && !isMap(tv)) {
    diags.push(
      error(
        'manifest.type',
        `task ${name} must be a mapping with input_volumes / output_volumes`,
        lineOf(tp),
      ),
    );
    return undefined;
  }
  const tobj: JsonMap = tv ?? {};
  for (const key of Object.keys(tobj)) {
    if (!TASK_KEYS.has(key)) {
      diags.push(
        error(
          'manifest.unknown-key',
          `tasks.${name}.${key} is not a task setting (allowed: ${[...TASK_KEYS].join(', ')})`,
          lineOf([...tp, key]),
        ),
      );
    }
  }
  const task: TaskSpec = { name, inputs: [], outputs: [], line: lineOf(tp).line };
  const mountPaths = new Map<string, string>();
  for (const [io, key] of [
    ['inputs', 'input_volumes'],
    ['outputs', 'output_volumes'],
  ] as const) {
    const group = tobj[key];
    if (group === undefined || group === null) continue;
    if (!isMap(group)) {
      diags.push(
        error(
          'manifest.type',
          `tasks.${name}.${key} must be a mapping of volume names`,
          lineOf([...tp, key]),
        ),
      );
      continue;
    }
    for (const [vname, vv] of Object.entries(group)) {
      const param = parseVolume(
        vname,
        vv,
        [...tp, key, vname],
        `tasks.${name}.${key}.${vname}`,
        lineOf,
        diags,
      );
      if (!param?.mountPath) continue;
      if ([...task.inputs, ...task.outputs].some((q) => q.name === vname)) {
        diags.push(
          error(
            'manifest.duplicate-parameter',
            `task ${name} declares ${vname} as both an input and an output volume`,
            lineOf([...tp, key, vname]),
          ),
        );
        continue;
      }
      const clash = mountPaths.get(param.mountPath);
      if (clash) {
        diags.push(
          error(
            'manifest.duplicate-mount',
            `task ${name}: volumes ${clash} and ${vname} are both mounted at ${param.mountPath}`,
            lineOf([...tp, key, vname, 'mount_path']),
          ),
        );
        continue;
      }
      mountPaths.set(param.mountPath, vname);
      task[io].push(param);
    }
  }
  if (tobj.run_args !== undefined && tobj.run_args !== null) {
    task.run = parseRunArgs(tobj.run_args, [...tp, 'run_args'], `tasks.${name}.run_args`, lineOf, diags);
  }
  task.run ??= { command: [], environment: {} };
  return task;
}

function parseVolume(
  name: string,
  value: Json,
  keyPath: (string | number)[],
  what: string,
  lineOf: LineOf,
  diags: Diagnostic[],
): ParamSpec | undefined {
  if (!isMap(value)) {
    diags.push(error('manifest.type', `${what} must be a mapping {mount_path, type}`, lineOf(keyPath)));
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!VOLUME_KEYS.has(key)) {
      diags.push(
        warning(
          'manifest.unknown-key',
          `${what}.${key} is not a volume setting (mount_path, type); it is ignored`,
          lineOf([...keyPath, key]),
        ),
      );
    }
  }
  const type = value.type;
  if (type !== 'file' && type !== 'directory') {
    diags.push(
      error('manifest.value', `${what}.type must be file or directory`, lineOf([...keyPath, 'type'])),
    );
    return undefined;
  }
  const mountPath = value.mount_path;
  // The mount path goes into `--volume HOST:MOUNT:MODE`: it must be one absolute path the engine cannot misread.
  if (
    typeof mountPath !== 'string' ||
    !path.posix.isAbsolute(mountPath) ||
    mountPath.includes(':') ||
    /[\s,]/.test(mountPath) ||
    path.posix.normalize(mountPath) === '/' ||
    path.posix.normalize(mountPath) === '/tmp'
  ) {
    diags.push(
      error(
        'manifest.mount-path',
        `${what}.mount_path must be an absolute path inside the container without ':', spaces or commas, other than / and /tmp (got ${JSON.stringify(mountPath)})`,
        lineOf([...keyPath, 'mount_path']),
      ),
    );
    return undefined;
  }
  return {
    name,
    type,
    default: MEDPERF_DEFAULTS[name] ?? name,
    mountPath: path.posix.normalize(mountPath),
    line: lineOf(keyPath).line,
  };
}

function parseRunArgs(
  value: Json,
  keyPath: (string | number)[],
  what: string,
  lineOf: LineOf,
  diags: Diagnostic[],
): ContainerRunArgs | undefined {
  if (!isMap(value)) {
    diags.push(error('manifest.type', `${what} must be a mapping`, lineOf(keyPath)));
    return undefined;
  }
  const run: ContainerRunArgs = { command: [], environment: {} };
  for (const [key, setting] of Object.entries(value)) {
    const at = lineOf([...keyPath, key]);
    if (!RUN_ARG_KEYS.has(key)) {
      diags.push(
        error(
          'cube.unsafe-run-args',
          `${what}.${key} is not passed on: run_args may only hold ${[...RUN_ARG_KEYS].join(', ')} (as in MedPerf); other engine options could mount host folders, reach the network or add privileges`,
          at,
        ),
      );
      continue;
    }
    if (setting === null || setting === undefined) continue;
    if (key === 'command') {
      if (typeof setting === 'string') run.command = splitWords(setting);
      else if (Array.isArray(setting) && setting.every((w) => typeof w === 'string'))
        run.command = setting as string[];
      else diags.push(error('manifest.type', `${what}.command must be a string or a list of strings`, at));
    } else if (key === 'entrypoint') {
      if (typeof setting === 'string' && setting !== '') run.entrypoint = setting;
      else diags.push(error('manifest.type', `${what}.entrypoint must be a non-empty string`, at));
    } else if (key === 'environment') {
      if (!isMap(setting))
        diags.push(error('manifest.type', `${what}.environment must be a mapping of names to values`, at));
      else
        for (const [name, val] of Object.entries(setting))
          run.environment[name] = val === null ? '' : typeof val === 'string' ? val : JSON.stringify(val);
    } else if (key === 'shm_size') {
      if (typeof setting === 'string' || typeof setting === 'number') run.shmSize = String(setting);
      else diags.push(error('manifest.type', `${what}.shm_size must be a size such as 2gb`, at));
    } else if (key === 'gpus') {
      const gpus = normaliseGpus(setting);
      if (gpus === null)
        diags.push(
          error('manifest.value', `${what}.gpus must be all, a count, device=a,b or a list of ids`, at),
        );
      else if (gpus) run.gpus = gpus;
    }
  }
  return run;
}

/** MedPerf's _normalize_gpu_arg, written as the `--gpus` value: '' for none, null when invalid. */
function normaliseGpus(value: Json): string | null {
  if (value === 'all') return 'all';
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 0 ? (value === 0 ? '' : String(value)) : null;
  if (typeof value === 'string') {
    if (value === '' || value === '0') return '';
    if (/^[0-9]+$/.test(value)) return String(Number(value));
    if (/^device=[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$/.test(value)) return value;
    return null;
  }
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((d) => typeof d === 'string' && /^[A-Za-z0-9-]+$/.test(d))
  )
    return `device=${value.join(',')}`;
  return null;
}
