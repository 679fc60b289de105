/**
 * `gitperf runner start`: passes (pass.ts) one after another, `interval` seconds apart, until the signal
 * aborts; `once`: a single pass. A pass over an unchanged registry costs one fetch and one ref lookup.
 */
import { GitperfError } from '../diagnostics/diagnostic.js';
import type { Participant } from '../participants/context.js';
import { type PassReport, runnerPass, selectRunner } from './pass.js';

export interface RunnerStartOptions {
  participant: Participant;
  /** `--name`: the Runner (`owner/name` or a name of the profile's login); default: the login's only one. */
  name?: string;
  once?: boolean;
  /** Seconds between passes (default 60). */
  interval?: number;
  log?: (line: string) => void;
  /** Each pass's report, as it finishes. */
  onPass?: (report: PassReport) => void;
  /** Ctrl-C: the current job's submission is not opened, no new job starts, and the loop ends. */
  signal?: AbortSignal;
}

export interface RunnerStartResult {
  runner: string;
  passes: number;
  /** The last pass's report. */
  last?: PassReport;
}

export async function startRunner(options: RunnerStartOptions): Promise<RunnerStartResult> {
  const runnerRef = await selectRunner(options.participant, options.name);
  const log = options.log ?? (() => {});
  const interval = Math.max(0, options.interval ?? 60) * 1000;
  let passes = 0;
  let last: PassReport | undefined;
  log(`runner ${runnerRef}: cubes run with ${options.participant.runner}`);
  while (!options.signal?.aborted) {
    try {
      last = await runnerPass({ participant: options.participant, runnerRef, log, signal: options.signal });
    } catch (e) {
      // A long-running runner outlives a pass that could not read the registry (the forge unreachable, a
      // registry mid-repair): it says why and tries again next interval. One pass (--once) reports it.
      if (options.once || !(e instanceof GitperfError)) throw e;
      log(`pass failed: ${e.diagnostic.code} ${e.diagnostic.message} (trying again in ${interval / 1000} s)`);
      passes++;
      await sleep(interval, options.signal);
      continue;
    }
    passes++;
    options.onPass?.(last);
    if (options.once || options.signal?.aborted) break;
    await sleep(interval, options.signal);
  }
  return { runner: runnerRef, passes, ...(last ? { last } : {}) };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
