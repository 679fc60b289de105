/**
 * Runs one process in its own process group with its combined output streamed to a log file, a timeout that
 * kills the whole group, and a result value (never a throw).
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { error } from '../diagnostics/diagnostic.js';
import { renderText } from '../diagnostics/render.js';

export interface ExecSpec {
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the process group after this many milliseconds. */
  timeoutMs?: number;
  logPath: string;
  /** Lines written at the top of the log (each prefixed with `# `). */
  header?: string[];
  /** Called on timeout before the group is signalled (e.g. remove the container). */
  onTimeout?: () => Promise<void>;
  /** Receives output as it arrives (progress display). */
  onOutput?: (chunk: string) => void;
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /**
   * Commands run synchronously if gitperf itself exits or is interrupted (Ctrl-C) mid-run, e.g. removing the
   * container: killing a docker/podman client does not stop its container.
   */
  cleanupOnExit?: string[][];
}

/** Runs in-flight; on SIGINT/SIGTERM gitperf exits and the 'exit' handlers clean each one up. */
let active = 0;
const onSignal = (sig: NodeJS.Signals) => {
  // Say so: an interrupted run that exits silently looks like one that finished.
  process.stderr.write(
    `\n${renderText(
      error(
        'run.interrupted',
        `interrupted (${sig}): the running cube was stopped and cleaned up; what finished before it is kept, and nothing was submitted`,
      ),
    )}\n`,
  );
  process.exit(sig === 'SIGINT' ? 130 : 143);
};

export interface ExecResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Set when the process could not be started (e.g. executable not found). */
  spawnError?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export async function execLogged(spec: ExecSpec): Promise<ExecResult> {
  await mkdir(path.dirname(spec.logPath), { recursive: true });
  const log = createWriteStream(spec.logPath, { flags: 'w' });
  // A log that cannot be written (disk full) must not crash gitperf mid-run; the run result still comes back.
  log.on('error', () => undefined);
  for (const line of spec.header ?? []) log.write(`# ${line}\n`);
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const [cmd, ...args] = spec.argv;
  const child = spawn(cmd, args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true, // own process group: a timeout can kill everything the cube started
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let timedOut = false;
  let spawnError: string | undefined;
  const killGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  // If gitperf itself exits or is interrupted, do not leave the cube (or its container) running.
  const onExit = () => {
    killGroup('SIGKILL');
    for (const step of spec.cleanupOnExit ?? [])
      spawnSync(step[0], step.slice(1), { stdio: 'ignore', env: spec.env, timeout: 20_000 });
  };
  process.once('exit', onExit);
  if (active++ === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const forward = (chunk: Buffer) => {
    log.write(chunk);
    spec.onOutput?.(chunk.toString('utf8'));
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);

  let timer: NodeJS.Timeout | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  if (spec.timeoutMs !== undefined && spec.timeoutMs > 0) {
    timer = setTimeout(() => {
      timedOut = true;
      log.write(`\n# gitperf: timeout after ${spec.timeoutMs} ms; stopping the process group\n`);
      void (async () => {
        try {
          await spec.onTimeout?.();
        } catch {
          // best effort; the group kill below still happens
        }
        killGroup('SIGTERM');
        killTimer = setTimeout(() => killGroup('SIGKILL'), spec.killGraceMs ?? 3000);
      })();
    }, spec.timeoutMs);
  }

  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => {
      child.once('error', (failure) => {
        spawnError = failure.message;
        resolve({ code: null, signal: null });
      });
      // Whatever the cube left running in its group dies with it, so it cannot keep working (or hold the
      // output pipes open) after the run is reported; a timeout is not needed for that.
      child.once('exit', () => killGroup('SIGKILL'));
      child.once('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    },
  );
  if (timer) clearTimeout(timer);
  if (killTimer) clearTimeout(killTimer);
  // Children that ignored the group signal or outlived the leader are not kept around.
  if (timedOut) killGroup('SIGKILL');
  process.removeListener('exit', onExit);
  if (--active === 0) {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const finished = Date.now();
  if (spawnError) log.write(`# gitperf: could not start ${cmd}: ${spawnError}\n`);
  log.write(
    `# gitperf: exit code ${code ?? 'none'}${signal ? ` (signal ${signal})` : ''}${timedOut ? ' (timed out)' : ''}\n`,
  );
  await new Promise<void>((r) => log.end(r));
  return {
    exitCode: code,
    signal,
    timedOut,
    spawnError,
    startedAt,
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
  };
}

/** Absolute path of an executable on PATH, or undefined. */
export async function which(name: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  // Synchronous: one check per PATH entry, several times per task (infra/sha256.ts says why).
  if (name.includes('/')) {
    try {
      accessSync(name, constants.X_OK);
      return name;
    } catch {
      return undefined;
    }
  }
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const entryPath = path.join(dir, name);
    try {
      accessSync(entryPath, constants.X_OK);
      return entryPath;
    } catch {
      // next
    }
  }
  return undefined;
}
