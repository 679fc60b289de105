import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cliBin = fileURLToPath(new URL('../../cli/bin/run.js', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a whole process, as a user would (`npm test` builds cli/dist first).
 * Never throws on a non-zero exit: tests assert on the code.
 */
export async function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: string; timeout?: number } = {},
): Promise<CliResult> {
  const r = await execa('node', [cliBin, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { NO_COLOR: '1', ...opts.env },
    input: opts.input,
    reject: false,
    timeout: opts.timeout ?? 60_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
