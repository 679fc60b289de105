import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { WorkerPool } from '../infra/worker-pool.js';
import type { WorkerRequest, WorkerResponse } from './check-worker.js';
import type { PathFacts } from './file-check.js';
import { displayPath, type FileSource } from './file-source.js';
import type { ListedFile } from './loader.js';
import { emptySupportData, mergeSupportData, SUPPORT_KINDS, type SupportData } from './references.js';
import { MAX_FILE_BYTES } from './yaml-file.js';

const WORKER_URL = new URL('./check-worker.js', import.meta.url);
type CheckJob = Extract<WorkerRequest, { type: 'job' }>;
/**
 * With the fast YAML path a file costs ~0.1 ms, so worker start-up and messaging (~0.3 s of CPU
 * for two workers) only pay off for very large registries on machines with cores to spare; on a
 * busy 2-core machine they made a 10,000-file run slower. GITPERF_WORKERS forces a count.
 */
const MIN_FILES_FOR_WORKERS = 20_000;
const MIN_CORES_FOR_WORKERS = 4;
const BATCH = 250;

/**
 * How many worker threads to use for `fileCount` files: GITPERF_WORKERS overrides (0 = none);
 * none when the compiled worker is not there (running from TypeScript sources under a test runner).
 */
export function workerCount(fileCount: number): number {
  const env = process.env.GITPERF_WORKERS;
  if (!existsSync(fileURLToPath(WORKER_URL))) return 0;
  if (env !== undefined && env !== '') return Math.max(0, Math.min(16, Number.parseInt(env, 10) || 0));
  if (fileCount < MIN_FILES_FOR_WORKERS || availableParallelism() < MIN_CORES_FOR_WORKERS) return 0;
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Worker threads that verify result signatures beside a validation running in this thread (see
 * trust/result-verifier.ts): one per core but the one this thread uses, at most 4; none on one core.
 * GITPERF_SIGNATURE_WORKERS forces a count (0 = verify in this thread), and then they start at once
 * instead of only for a registry with many signatures.
 */
export function signatureWorkers(): { workers: number; startAt?: number } {
  const env = process.env.GITPERF_SIGNATURE_WORKERS;
  if (env !== undefined && env !== '') {
    return { workers: Math.max(0, Math.min(16, Number.parseInt(env, 10) || 0)), startAt: 1 };
  }
  return { workers: Math.max(0, Math.min(4, availableParallelism() - 1)) };
}

/**
 * Checks files (all three layers) in worker threads. Benchmark, Dataset, MLCube and Runner files go first,
 * since other files' checks read a few of their fields; then the rest, with those fields known.
 * Bad input in a file never fails the whole run: it comes back as diagnostics.
 */
export async function checkInWorkers(
  source: FileSource,
  files: ListedFile[],
  facts: PathFacts,
  workers: number,
  onRead?: (f: ListedFile, error: Diagnostic | undefined) => void,
): Promise<Diagnostic[]> {
  // Two batches per worker: reading the next batch overlaps parsing without piling up.
  const pool = new WorkerPool<CheckJob, WorkerResponse>(WORKER_URL, {
    size: workers,
    maxInFlightPerWorker: 2,
  });
  pool.broadcast({ type: 'init', refs: facts.toJSON() } satisfies WorkerRequest);
  const diagnostics: Diagnostic[] = [];

  const runPhase = async (phase: ListedFile[]): Promise<SupportData[]> => {
    const pending: Promise<WorkerResponse>[] = [];
    for (let start = 0; start < phase.length; start += BATCH) {
      const batch = phase.slice(start, start + BATCH);
      const paths: string[] = [];
      const shown: string[] = [];
      const chunks: Uint8Array[] = [];
      for (const file of batch) {
        try {
          chunks.push(await source.read(file.entry.path, MAX_FILE_BYTES));
          paths.push(file.entry.path);
          shown.push(displayPath(source, file.entry.path));
        } catch (e) {
          onRead?.(file, {
            code: 'file.unreadable',
            message: `cannot read the file: ${(e as Error).message}`,
            severity: 'error',
            file: displayPath(source, file.entry.path),
          });
        }
      }
      const offsets = [0];
      for (const c of chunks) offsets.push(offsets[offsets.length - 1] + c.length);
      const buffer = new Uint8Array(offsets[offsets.length - 1]);
      for (const [i, c] of chunks.entries()) buffer.set(c, offsets[i]);
      await pool.waitForCapacity();
      pending.push(
        pool.run({ type: 'job', paths, files: shown, buffer: buffer.buffer, offsets }, [buffer.buffer]),
      );
    }
    const results = await Promise.all(pending);
    for (const result of results) diagnostics.push(...result.diagnostics);
    return results.map((r) => r.support);
  };

  try {
    const parseable = files.filter((f) => f.info && f.entry.type === 'file');
    const first = parseable.filter((f) => f.info && SUPPORT_KINDS.includes(f.info.kind));
    const rest = parseable.filter((f) => f.info && !SUPPORT_KINDS.includes(f.info.kind));
    const parts = await runPhase(first);
    const support = emptySupportData();
    for (const part of parts) mergeSupportData(support, part);
    pool.broadcast({ type: 'support', data: support } satisfies WorkerRequest);
    await runPhase(rest);
    return diagnostics;
  } finally {
    await pool.close();
  }
}
