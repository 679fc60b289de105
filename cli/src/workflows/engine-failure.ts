/**
 * A container engine that cannot start the container (podman or docker exit 125, 126 or 127: the
 * engine's own error, a command that cannot be invoked or is not found) is not the cube failing. Say
 * so, with the engine's own error line from the log, and what to try, instead of a bare exit code.
 */
import { readFileSync } from 'node:fs';
import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import type { RunnerKind } from './execution.js';

const ENGINE_EXIT_CODES = new Set([125, 126, 127]);

export function engineFailure(
  runner: RunnerKind,
  exitCode: number | null,
  logFile: string | undefined,
): Diagnostic | undefined {
  if (runner !== 'podman' && runner !== 'docker') return undefined;
  if (exitCode === null || !ENGINE_EXIT_CODES.has(exitCode)) return undefined;
  let line: string | undefined;
  try {
    if (logFile)
      line = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((l) => /^Error[: ]/.test(l))
        .pop();
  } catch {
    // The log is optional detail; the exit code alone still says the engine failed.
  }
  return error(
    'cube.engine-failed',
    `${runner} could not start the container (exit ${exitCode}${line ? `, ${line.trim()}` : ''}); ` +
      `check that \`${runner} run --rm IMAGE\` works on this machine, or run the cubes as local processes with --runner local`,
    logFile ? { file: logFile } : {},
  );
}
