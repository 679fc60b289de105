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
export function resolveHostPath(p: string, workspace: string, env: NodeJS.ProcessEnv = process.env): string {
  let s = p;
  if (s === '~' || s.startsWith('~/')) s = path.join(os.homedir(), s.slice(1));
  s = s.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (m, a?: string, b?: string) => {
      const v = env[(a ?? b) as string];
      return v === undefined ? m : v;
    },
  );
  return path.resolve(workspace, s);
}

async function kind(p: string): Promise<'file' | 'directory' | 'other' | 'missing'> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/** True when `p`, with every symlink of its existing part resolved, lies in `dir` (or is `dir`). */
async function insideFolder(p: string, dir: string): Promise<boolean> {
  const root = await realpath(dir).catch(() => path.resolve(dir));
  let existing = path.resolve(p);
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
  m: Manifest,
  taskName: string,
  opts: PlanOptions = {},
): Promise<Outcome<MountPlan>> {
  const diags: Diagnostic[] = [];
  const task = findTask(m, taskName);
  if (!task) {
    return failed([
      error(
        'cube.unknown-task',
        `task ${taskName} is not in ${m.file} (tasks: ${m.tasks.map((t) => t.name).join(', ') || 'none'})`,
        { file: m.file },
      ),
    ]);
  }
  const overrides = opts.params ?? {};
  const declared = new Set([...task.inputs, ...task.outputs].map((p) => p.name));
  for (const k of Object.keys(overrides)) {
    if (!declared.has(k) && !opts.ignoreUnknownParams) {
      diags.push(
        error(
          'cube.unknown-parameter',
          `task ${taskName} has no parameter ${k} (it has: ${[...declared].join(', ') || 'none'})`,
          { file: m.file, line: task.line },
        ),
      );
    }
  }
  const plan: MountPlan = { task: taskName, params: [], mounts: [], containerArgs: [], hostArgs: [] };
  const byDir = new Map<string, number>();

  const place = async (p: ParamSpec, io: 'input' | 'output') => {
    const at = { file: m.file, line: p.line };
    const raw = overrides[p.name] ?? p.default;
    // An override re-applies the trailing-slash rule to an untyped parameter.
    let type = p.name in overrides ? withSlashRule(p.type, raw) : p.type;
    const hostPath = resolveHostPath(raw, m.workspace, opts.env);
    // The manifest is the cube author's: its defaults may not reach outside the workspace (`../../etc`,
    // `~/.ssh`, `$HOME`, or a symlink a previous run left in an output folder). Paths the caller passes are theirs.
    if (!(p.name in overrides) && !(await insideFolder(hostPath, m.workspace))) {
      diags.push(
        error(
          'cube.param-outside-workspace',
          `${io} ${p.name} of task ${taskName}: the manifest's default ${JSON.stringify(raw)} leads to ${hostPath}, ` +
            `outside the cube's workspace ${m.workspace}; a cube may only default to paths inside its workspace ` +
            `(pass ${p.name}=PATH to choose a folder yourself)`,
          at,
        ),
      );
      return;
    }
    const onDisk = await kind(hostPath);
    // MedPerf creates the cube's additional_files folder before every run, so a cube without any still starts.
    const medperfCreates =
      m.format === 'container_config' && p.name === 'additional_files' && !(p.name in overrides);
    if (io === 'input') {
      if (onDisk === 'missing' && medperfCreates && type === 'directory') {
        // created with the outputs
      } else if (onDisk === 'missing' && opts.allowMissingInputs && type !== 'unknown') {
        diags.push(
          warning(
            'cube.input-missing',
            `input ${p.name} of task ${taskName}: ${hostPath} does not exist (MLCube would create it; gitperf refuses the run until it exists)`,
            at,
          ),
        );
      } else if (onDisk === 'missing') {
        diags.push(
          error('cube.input-missing', `input ${p.name} of task ${taskName}: ${hostPath} does not exist`, at),
        );
        return;
      }
      if (onDisk === 'other') {
        diags.push(
          error('cube.input-type', `input ${p.name}: ${hostPath} is neither a file nor a directory`, at),
        );
        return;
      }
      if (onDisk === 'missing') {
        // planned as declared (dry run only)
      } else if (type === 'unknown') type = onDisk;
      else if (type !== onDisk) {
        diags.push(
          error('cube.input-type', `input ${p.name} must be a ${type}, but ${hostPath} is a ${onDisk}`, at),
        );
        return;
      }
    } else {
      if (type === 'unknown') {
        diags.push(
          error(
            'cube.output-type-unknown',
            `output ${p.name} of task ${taskName} has an unknown type; declare type: file or directory in mlcube.yaml, or pass a path ending in /`,
            at,
          ),
        );
        return;
      }
      if (onDisk !== 'missing' && onDisk !== type) {
        diags.push(
          error('cube.output-type', `output ${p.name} must be a ${type}, but ${hostPath} is a ${onDisk}`, at),
        );
        return;
      }
    }
    const t = type as 'file' | 'directory';
    if (p.mountPath) {
      // container_config.yaml: each volume is bound on its own at the path the cube expects; no arguments.
      plan.mounts.push({ hostDir: hostPath, containerDir: p.mountPath, mode: io === 'input' ? 'ro' : 'rw' });
      plan.params.push({
        name: p.name,
        io,
        type: t,
        hostPath,
        containerPath: p.mountPath,
        mount: plan.mounts.length - 1,
        ...(medperfCreates && onDisk === 'missing' ? { create: true } : {}),
      });
      plan.hostArgs.push(`--${p.name}=${hostPath}`);
      return;
    }
    const dir = t === 'directory' ? hostPath : path.dirname(hostPath);
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
          `output ${p.name} is in ${dir}, which an input already mounts read-only; the cube cannot write it`,
          at,
        ),
      );
    }
    const containerPath =
      t === 'directory' ? `/mlcube_io${idx}` : `/mlcube_io${idx}/${path.basename(hostPath)}`;
    plan.params.push({ name: p.name, io, type: t, hostPath, containerPath, mount: idx });
    plan.containerArgs.push(`--${p.name}=${containerPath}`);
    plan.hostArgs.push(`--${p.name}=${hostPath}`);
  };

  for (const p of task.inputs) await place(p, 'input');
  for (const p of task.outputs) await place(p, 'output');
  if (diags.some((d) => d.severity === 'error')) return failed(diags);

  if (opts.createOutputs ?? true) {
    const made = await createOutputs(plan, m.file);
    if (made) return failed([...diags, made]);
  }
  return ok(plan, diags);
}

/**
 * Creates missing output folders (and empty output files, as MedPerf era B does so the mount target exists).
 * Returns a diagnostic when one cannot be created.
 */
export async function createOutputs(plan: MountPlan, manifestFile?: string): Promise<Diagnostic | undefined> {
  for (const p of plan.params) {
    if (p.io !== 'output' && !p.create) continue;
    try {
      if (p.type === 'directory') await mkdir(p.hostPath, { recursive: true });
      else {
        await mkdir(path.dirname(p.hostPath), { recursive: true });
        await (await open(p.hostPath, 'a')).close();
      }
    } catch (e) {
      return error(
        'cube.output-create',
        `cannot create output ${p.name} at ${p.hostPath}: ${(e as Error).message}`,
        {
          file: manifestFile,
        },
      );
    }
  }
  return undefined;
}
