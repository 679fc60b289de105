/**
 * What `runner start` remembers between passes, in `$GITPERF_HOME/runners/<owner>/<name>/state.json`
 * (atomic writes): the registry commit of the last pass and whether that pass left work waiting on this
 * machine (a dataset not prepared), so a pass over an unchanged registry stops after one ref lookup; and the
 * jobs that failed, by submission branch (job id + the registry state it ran against), so a job whose cube
 * no longer verifies is reported, not retried in a loop, until the registry changes what it runs.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../infra/atomic-write.js';
import { homeLayout } from '../infra/gitperf-home.js';

export interface RememberedFailure {
  job: string;
  code: string;
  message: string;
  at: string;
}

export interface RunnerMemory {
  version: 1;
  /** The registry commit the last complete pass planned from. */
  registrySha?: string;
  /** The last pass left jobs it could not start here (data not prepared): look again next pass. */
  waiting?: boolean;
  /** Submission branch → why the job failed. */
  failures: Record<string, RememberedFailure>;
}

export function memoryFile(home: string, runnerRef: string): string {
  const [owner, name] = runnerRef.split('/');
  return homeLayout(home).runnerState(owner, name);
}

export async function readMemory(file: string): Promise<RunnerMemory> {
  try {
    const memory = JSON.parse(await readFile(file, 'utf8')) as RunnerMemory;
    if (memory && memory.version === 1 && typeof memory.failures === 'object' && memory.failures !== null)
      return memory;
  } catch {
    // Absent or unreadable: start afresh (it is a cache of what the registry and the forge say).
  }
  return { version: 1, failures: {} };
}

export async function writeMemory(file: string, memory: RunnerMemory): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(memory, null, 2)}\n`);
}
