/**
 * Verifying many result signatures at once (a registry's validation), in worker threads beside the caller.
 * An Ed25519 verification costs ~0.1-0.15 ms of CPU, as much as parsing and checking the result file
 * itself, so a validator that verified inline would take half as long again on a signed registry; here the
 * caller goes on reading and checking files while workers verify. Each verdict is exactly
 * `verifyResultSignature`'s (the worker calls it), delivered to the caller's `settle` callback.
 *
 * Workers start only once `startAt` signatures are queued (a change of a few files never pays their
 * start-up), and only when the compiled worker exists (not when running from TypeScript sources).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { WorkerPool } from '../infra/worker-pool.js';
import type { AllowedSignerLine } from './allowed-signers.js';
import type { SignableResult } from './result-payload.js';
import { verifyResultSignature } from './result-signature.js';

/** A verdict as the caller needs it (the signature's parsed fields stay in the worker). */
export type ResultSignatureVerdict =
  | { ok: true; fingerprint: string }
  | { ok: false; diagnostic: Diagnostic };

/** One signature to verify: the result, and its runner's allowed signers by a key the caller chooses. */
export interface ResultSignatureJob {
  result: SignableResult;
  signersKey: string;
  what: string;
}

/** What a worker receives: the jobs, and each signers list once (a batch has a few runners). */
export interface ResultSignatureBatch {
  id: number;
  signers: Record<string, AllowedSignerLine[]>;
  jobs: ResultSignatureJob[];
}

export interface ResultSignatureReply {
  id: number;
  verdicts: ResultSignatureVerdict[];
}

const WORKER_URL = new URL('./result-verifier-worker.js', import.meta.url);
/** Signatures per message: large enough that messaging is a small part, small enough to keep both busy. */
const BATCH = 128;
/** Below this many signatures, starting a worker (~30 ms of CPU) costs more than verifying inline. */
const DEFAULT_START_AT = 512;

/** Whether worker threads can run here: the compiled worker is next to this module. */
export function resultVerifierWorkersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

/** Verifies a batch's jobs in order (what a worker does; also the inline path). */
export function verifyResultSignatureBatch(
  batch: Omit<ResultSignatureBatch, 'id'>,
): ResultSignatureVerdict[] {
  return batch.jobs.map((job) => {
    const verdict = verifyResultSignature({
      result: job.result,
      signers: batch.signers[job.signersKey] ?? [],
      what: job.what,
    });
    return verdict.ok ? { ok: true, fingerprint: verdict.fingerprint } : verdict;
  });
}

interface Queued {
  job: ResultSignatureJob;
  signers: readonly AllowedSignerLine[];
  settle: (verdict: ResultSignatureVerdict) => void;
}

export interface ResultVerifierOptions {
  /** Worker threads; 0 verifies inline, in the caller's thread. */
  workers: number;
  /** Queued signatures that start the workers (default 512); fewer are verified inline at `finish`. */
  startAt?: number;
}

export class ResultSignatureVerifier {
  private readonly workers: number;
  private readonly startAt: number;
  private pool: WorkerPool<ResultSignatureBatch, ResultSignatureReply> | undefined;
  private queued: Queued[] = [];
  private readonly replies: Promise<void>[] = [];

  constructor(options: ResultVerifierOptions) {
    this.workers = resultVerifierWorkersAvailable() ? Math.max(0, Math.floor(options.workers)) : 0;
    this.startAt = Math.max(1, options.startAt ?? DEFAULT_START_AT);
  }

  /**
   * Queues one signature; `settle` receives its verdict now (inline) or later (a worker), always before
   * `finish` resolves. Awaiting this is the back-pressure: it waits while the workers are full.
   */
  async add(
    job: ResultSignatureJob,
    signers: readonly AllowedSignerLine[],
    settle: (verdict: ResultSignatureVerdict) => void,
  ): Promise<void> {
    if (this.workers === 0) {
      const [verdict] = verifyResultSignatureBatch({
        signers: { [job.signersKey]: [...signers] },
        jobs: [job],
      });
      settle(verdict);
      return;
    }
    this.queued.push({ job, signers, settle });
    if (!this.pool && this.queued.length >= this.startAt) {
      this.pool = new WorkerPool(WORKER_URL, { size: this.workers, maxInFlightPerWorker: 2 });
    }
    if (this.pool && this.queued.length >= BATCH) {
      await this.pool.waitForCapacity();
      this.post();
    }
  }

  /** Settles every queued signature, then stops the workers. */
  async finish(): Promise<void> {
    try {
      if (this.pool) {
        while (this.queued.length > 0) this.post();
        await Promise.all(this.replies);
      } else {
        // Too few to be worth a worker: verify here.
        for (const { job, signers, settle } of this.queued.splice(0)) {
          const [verdict] = verifyResultSignatureBatch({
            signers: { [job.signersKey]: [...signers] },
            jobs: [job],
          });
          settle(verdict);
        }
      }
    } finally {
      await this.pool?.close();
      this.pool = undefined;
    }
  }

  private post(): void {
    const pool = this.pool;
    if (!pool) return;
    const taken = this.queued.splice(0, BATCH);
    const signers: Record<string, AllowedSignerLine[]> = {};
    for (const { job, signers: lines } of taken) signers[job.signersKey] ??= [...lines];
    this.replies.push(
      pool.run({ signers, jobs: taken.map((q) => q.job) }).then((reply) => {
        for (const [index, verdict] of reply.verdicts.entries()) taken[index].settle(verdict);
      }),
    );
  }
}
