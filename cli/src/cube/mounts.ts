/**
 * MLCube's mount and argument rules (mlcube.md §4, MedPerf era B):
 * inputs first, then outputs, each in manifest key order; one `/mlcube_ioN` per distinct host directory in
 * first-seen order; a file parameter mounts its parent and is passed as `--name=/mlcube_ioN/<file>`; inputs are
 * read-only and outputs read-write, a directory shared by an input and an output keeping the input's `ro`.
 */
import { mkdir, open, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Diagnostic, error, warning } from '../diagnostics/diagnostic.js';
import { findTask, type Manifest, type ParamSpec, withSlashRule } from './manifest.js';
import { failed, type Outcome, ok } from './types.js';

export interface PlannedParam {
  name: string;
  io: 'input' | 'output';
  type: 'file' | 'directory';
  /** Absolute host path of the file or directory. */
  hostPath: string;
  /** Path the cube sees inside a container, e.g. `/mlcube_io2/parameters.yaml`. */
  containerPath: string;
  /** Index into MountPlan.mounts. */
  mount: number;
  /** An input folder created empty before the run (MedPerf always binds `additional_files`, made if absent). */
  create?: boolean;
}

export interface Mount {
  /** Absolute host directory (no realpath, as MLCube); container_config.yaml: the file or directory bound. */
  hostDir: string;
  /** `/mlcube_ioN`; container_config.yaml: the volume's mount_path. */
  containerDir: string;
  mode: 'ro' | 'rw';
}

export interface MountPlan {
  task: string;
  params: PlannedParam[];
  mounts: Mount[];
  /** `--name=/mlcube_ioN[/file]` in parameter order (container runners). */
  containerArgs: string[];
  /** `--name=<host path>` in parameter order (local runner). */
  hostArgs: string[];
}

export interface PlanOptions {
  /** name → host path, replacing the manifest default (MLCube's `name=value`); relative paths join the workspace. */
  params?: Record<string, string>;
  /** Create missing output folders (and empty output files), as MedPerf does before a run. Default true. */
  createOutputs?: boolean;
  /** Ignore params the task does not declare instead of refusing (a typo otherwise silently uses the default). */
  ignoreUnknownParams?: boolean;
  /**
   * Plan a missing input of a declared type (with a warning) instead of refusing it: MLCube creates such
   * folders before a run; `cube run --dry-run` shows the command it would give. Real runs still refuse them.
   */
  allowMissingInputs?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** `~` and `$VAR` / `${VAR}` expansion, then relative paths joined to the workspace. */
export function resolveHostPath(
  hostPath: string,
  workspace: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  let expanded = hostPath;
  if (expanded === '~' || expanded.startsWith('~/')) expanded = path.join(os.homedir(), expanded.slice(1));
  expanded = expanded.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (reference, bracedName?: string, bareName?: string) => {
      const value = env[(bracedName ?? bareName) as string];
      return value === undefined ? reference : value;
    },
  );
  return path.resolve(workspace, expanded);
}

async function kind(target: string): Promise<'file' | 'directory' | 'other' | 'missing'> {
  try {
    const stats = await stat(target);
    return stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/** True when `target`, with every symlink of its existing part resolved, lies in `dir` (or is `dir`). */
async function insideFolder(target: string, dir: string): Promise<boolean> {
  const root = await realpath(dir).catch(() => path.resolve(dir));
  let existing = path.resolve(target);
  const rest: string[] = [];
  for (;;) {
    try {
      existing = await realpath(existing);
      break;
    } catch {
      const up = path.dirname(existing);
      if (up === existing) break;
      rest.unshift(path.basename(existing));
      existing = up;
    }
  }
  const full = path.join(existing, ...rest);
  return full === root || full.startsWith(root + path.sep);
}

export async function planMounts(
  manifest: Manifest,
  taskName: string,
  opts: PlanOptions = {},
): Promise<Outcome<MountPlan>> {
  const diags: Diagnostic[] = [];
  const task = findTask(manifest, taskName);
  if (!task) {
    return failed([
      error(
        'cube.unknown-task',
        `task ${taskName} is not in ${manifest.file} (tasks: ${manifest.tasks.map((t) => t.name).join(', ') || 'none'})`,
        { file: manifest.file },
      ),
    ]);
  }
  const overrides = opts.params ?? {};
  const declared = new Set([...task.inputs, ...task.outputs].map((p) => p.name));
  for (const name of Object.keys(overrides)) {
    if (!declared.has(name) && !opts.ignoreUnknownParams) {
      diags.push(
        error(
          'cube.unknown-parameter',
          `task ${taskName} has no parameter ${name} (it has: ${[...declared].join(', ') || 'none'})`,
          { file: manifest.file, line: task.line },
        ),
      );
    }
  }
  const plan: MountPlan = { task: taskName, params: [], mounts: [], containerArgs: [], hostArgs: [] };
  const byDir = new Map<string, number>();

  const place = async (param: ParamSpec, io: 'input' | 'output') => {
    const at = { file: manifest.file, line: param.line };
    const raw = overrides[param.name] ?? param.default;
    // An override re-applies the trailing-slash rule to an untyped parameter.
    let type = param.name in overrides ? withSlashRule(param.type, raw) : param.type;
    const hostPath = resolveHostPath(raw, manifest.workspace, opts.env);
    // The manifest is the cube author's: its defaults may not reach outside the workspace (`../../etc`,
    // `~/.ssh`, `$HOME`, or a symlink a previous run left in an output folder). Paths the caller passes are theirs.
    if (!(param.name in overrides) && !(await insideFolder(hostPath, manifest.workspace))) {
      diags.push(
        error(
          'cube.param-outside-workspace',
          `${io} ${param.name} of task ${taskName}: the manifest's default ${JSON.stringify(raw)} leads to ${hostPath}, ` +
            `outside the cube's workspace ${manifest.workspace}; a cube may only default to paths inside its workspace ` +
            `(pass ${param.name}=PATH to choose a folder yourself)`,
          at,
        ),
      );
      return;
    }
    const onDisk = await kind(hostPath);
    // MedPerf creates the cube's additional_files folder before every run, so a cube without any still starts.
    const medperfCreates =
      manifest.format === 'container_config' &&
      param.name === 'additional_files' &&
      !(param.name in overrides);
    if (io === 'input') {
      if (onDisk === 'missing' && medperfCreates && type === 'directory') {
        // created with the outputs
      } else if (onDisk === 'missing' && opts.allowMissingInputs && type !== 'unknown') {
        diags.push(
          warning(
            'cube.input-missing',
            `input ${param.name} of task ${taskName}: ${hostPath} does not exist (MLCube would create it; gitperf refuses the run until it exists)`,
            at,
          ),
        );
      } else if (onDisk === 'missing') {
        diags.push(
          error(
            'cube.input-missing',
            `input ${param.name} of task ${taskName}: ${hostPath} does not exist`,
            at,
          ),
        );
        return;
      }
      if (onDisk === 'other') {
        diags.push(
          error('cube.input-type', `input ${param.name}: ${hostPath} is neither a file nor a directory`, at),
        );
        return;
      }
      if (onDisk === 'missing') {
        // planned as declared (dry run only)
      } else if (type === 'unknown') type = onDisk;
      else if (type !== onDisk) {
        diags.push(
          error(
            'cube.input-type',
            `input ${param.name} must be a ${type}, but ${hostPath} is a ${onDisk}`,
            at,
          ),
        );
        return;
      }
    } else {
      if (type === 'unknown') {
        diags.push(
          error(
            'cube.output-type-unknown',
            `output ${param.name} of task ${taskName} has an unknown type; declare type: file or directory in mlcube.yaml, or pass a path ending in /`,
            at,
          ),
        );
        return;
      }
      if (onDisk !== 'missing' && onDisk !== type) {
        diags.push(
          error(
            'cube.output-type',
            `output ${param.name} must be a ${type}, but ${hostPath} is a ${onDisk}`,
            at,
          ),
        );
        return;
      }
    }
    const fileType = type as 'file' | 'directory';
    if (param.mountPath) {
      // container_config.yaml: each volume is bound on its own at the path the cube expects; no arguments.
      plan.mounts.push({
        hostDir: hostPath,
        containerDir: param.mountPath,
        mode: io === 'input' ? 'ro' : 'rw',
      });
      plan.params.push({
        name: param.name,
        io,
        type: fileType,
        hostPath,
        containerPath: param.mountPath,
        mount: plan.mounts.length - 1,
        ...(medperfCreates && onDisk === 'missing' ? { create: true } : {}),
      });
      plan.hostArgs.push(`--${param.name}=${hostPath}`);
      return;
    }
    const dir = fileType === 'directory' ? hostPath : path.dirname(hostPath);
    let idx = byDir.get(dir);
    if (idx === undefined) {
      idx = plan.mounts.length;
      byDir.set(dir, idx);
      plan.mounts.push({
        hostDir: dir,
        containerDir: `/mlcube_io${idx}`,
        mode: io === 'input' ? 'ro' : 'rw',
      });
    } else if (io === 'output' && plan.mounts[idx].mode === 'ro') {
      diags.push(
        warning(
          'cube.output-readonly',
          `output ${param.name} is in ${dir}, which an input already mounts read-only; the cube cannot write it`,
          at,
        ),
      );
    }
    const containerPath =
      fileType === 'directory' ? `/mlcube_io${idx}` : `/mlcube_io${idx}/${path.basename(hostPath)}`;
    plan.params.push({ name: param.name, io, type: fileType, hostPath, containerPath, mount: idx });
    plan.containerArgs.push(`--${param.name}=${containerPath}`);
    plan.hostArgs.push(`--${param.name}=${hostPath}`);
  };

  for (const param of task.inputs) await place(param, 'input');
  for (const param of task.outputs) await place(param, 'output');
  if (diags.some((d) => d.severity === 'error')) return failed(diags);

  if (opts.createOutputs ?? true) {
    const made = await createOutputs(plan, manifest.file);
    if (made) return failed([...diags, made]);
  }
  return ok(plan, diags);
}

/**
 * Creates missing output folders (and empty output files, as MedPerf era B does so the mount target exists).
 * Returns a diagnostic when one cannot be created.
 */
export async function createOutputs(plan: MountPlan, manifestFile?: string): Promise<Diagnostic | undefined> {
  for (const param of plan.params) {
    if (param.io !== 'output' && !param.create) continue;
    try {
      if (param.type === 'directory') await mkdir(param.hostPath, { recursive: true });
      else {
        await mkdir(path.dirname(param.hostPath), { recursive: true });
        await (await open(param.hostPath, 'a')).close();
      }
    } catch (e) {
      return error(
        'cube.output-create',
        `cannot create output ${param.name} at ${param.hostPath}: ${(e as Error).message}`,
        {
          file: manifestFile,
        },
      );
    }
  }
  return undefined;
}
