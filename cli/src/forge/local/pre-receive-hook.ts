/**
 * Installs the registry's `pre-receive` hook in the bare repository the local forge serves: a shell script
 * that runs gitperf's check (`gitperf hook pre-receive`, cli/src/submission/pre-receive.ts) with the node
 * and the gitperf that installed it, so a plain `git push` to the default branch is refused.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../infra/atomic-write.js';

const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** `command`: the argv that runs the check, e.g. [node, .../cli/bin/run.js, 'hook', 'pre-receive']. */
export async function installPreReceiveHook(gitDir: string, command: readonly string[]): Promise<string> {
  const file = join(gitDir, 'hooks', 'pre-receive');
  const script = [
    '#!/bin/sh',
    '# Installed by `gitperf init --local`: the default branch moves only by merges of submissions whose',
    '# policy passes, and submission metadata only grows by signed reviews. Remove it to lift the rule.',
    `exec ${command.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
  await writeFileAtomic(file, script, { mode: 0o755 });
  return file;
}
