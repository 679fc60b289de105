/**
 * Verifying many result signatures at once (a registry's validation), in worker threads beside the caller.
 * An Ed25519 verification costs ~0.1-0.15 ms of CPU, as much as parsing and checking the result file
 * itself, so a validator that verified inline would take half as long again on a signed registry; here the
 * caller goes on reading and checking files while workers verify. Each verdict is exactly
 * `verifyResultSignature`'s (the worker calls it), delivered to the caller's `settle` callback.
 *
 * Workers start only once `startAt` signatures are queued (a change of a few files never pays their
 * start-up), and only when the compiled worker exists (not when running from TypeScript sources).
 *
 * With `cacheDir` (the home layout's `parseCache`), verdicts are kept between runs in the parse cache
 * (infra/parse-cache.ts, reader `result-signatures`, a shard per benchmark), keyed by exactly what decides
 * them: the result file's git blob id (its signature and every signed byte), the allowed-signer lines
 * tried (key material, principals, namespaces, validity window), the wording (`what`) and the code that
 * decides (the modules of trust/ and registry/, OpenSSL's version). A warm validation so verifies only the results (or
 * runner keys) that changed; a cached failure is the same verdict, reported with the same diagnostic.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { codeFingerprint } from '../infra/code-fingerprint.js';
import { contentKey, ParseCache } from '../infra/parse-cache.js';
import { WorkerPool } from '../infra/worker-pool.js';
import type { AllowedSignerLine } from './allowed-signers.js';
import { type SignableResult, signedFields } from './result-payload.js';
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
  /**
   * The git blob id of the file `result` was parsed from, when the caller has its bytes: what lets the
   * verdict be cached (without it the signature is always verified).
   */
  contentId?: string;
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
/** The parse cache's reader name for verdicts. */
const CACHE_READER = 'result-signatures';
/** The format of a cached verdict (the code that decides it is in the key: `verdictCodeFingerprint`). */
const VERDICT_FORMAT = 1;

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
  /** The home layout's `parseCache`: verdicts of jobs with a `contentId` are kept there between runs. */
  cacheDir?: string;
}

/** A cached value that is a verdict (a hand-edited or half-written cache is verified again). */
function isVerdict(value: unknown): value is ResultSignatureVerdict {
  if (typeof value !== 'object' || value === null) return false;
  const verdict = value as { ok?: unknown; fingerprint?: unknown; diagnostic?: Partial<Diagnostic> };
  if (verdict.ok === true) return typeof verdict.fingerprint === 'string';
  return (
    verdict.ok === false &&
    typeof verdict.diagnostic?.code === 'string' &&
    typeof verdict.diagnostic.message === 'string' &&
    typeof verdict.diagnostic.severity === 'string'
  );
}

let verdictFingerprint: string | undefined;

/**
 * The code that decides a verdict: every module of trust/ (the payload, the checks, the wording) and of
 * registry/ (the parsing that yields the signed fields), and OpenSSL's version (the Ed25519 check itself).
 * A changed rule, even in a development build, so never reuses a verdict of the old one.
 */
function verdictCodeFingerprint(): string {
  verdictFingerprint ??= createHash('sha256')
    .update(`${VERDICT_FORMAT}\0${process.versions.openssl}\0${codeFingerprint(['trust', 'registry'])}`)
    .digest('hex');
  return verdictFingerprint;
}

/**
 * The part of a verdict's cache key that is not the file: the deciding code's fingerprint, the wording
 * and every field of the allowed-signer lines `verifyWithAllowedSigners` reads. Computed once
 * per lines list (the validator passes the same list for every result of a runner).
 */
const signersDigests = new WeakMap<readonly AllowedSignerLine[], Map<string, string>>();
function signersDigest(signers: readonly AllowedSignerLine[], what: string): string {
  let byWhat = signersDigests.get(signers);
  if (!byWhat) {
    byWhat = new Map();
    signersDigests.set(signers, byWhat);
  }
  let digest = byWhat.get(what);
  if (!digest) {
    const lines = signers.map((line) => [
      line.line,
      line.principals,
      line.namespaces ?? null,
      line.validAfterSeconds ?? null,
      line.validBeforeSeconds ?? null,
      line.certAuthority,
      line.keyType,
      line.keyBlob.toString('base64'),
    ]);
    digest = createHash('sha256')
      .update(JSON.stringify([verdictCodeFingerprint(), what, lines]))
      .digest('hex');
    byWhat.set(what, digest);
  }
  return digest;
}

export class ResultSignatureVerifier {
  private readonly workers: number;
  private readonly startAt: number;
  private pool: WorkerPool<ResultSignatureBatch, ResultSignatureReply> | undefined;
  private queued: Queued[] = [];
  private readonly replies: Promise<void>[] = [];
  private readonly cache: ParseCache<ResultSignatureVerdict> | undefined;

  constructor(options: ResultVerifierOptions) {
    this.workers = resultVerifierWorkersAvailable() ? Math.max(0, Math.floor(options.workers)) : 0;
    this.startAt = Math.max(1, options.startAt ?? DEFAULT_START_AT);
    this.cache = options.cacheDir
      ? new ParseCache(join(options.cacheDir, CACHE_READER), VERDICT_FORMAT)
      : undefined;
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
    const deliver = this.remembering(job, signers, settle);
    if (!deliver) return; // known from an earlier run
    if (this.workers === 0) {
      const [verdict] = verifyResultSignatureBatch({
        signers: { [job.signersKey]: [...signers] },
        jobs: [job],
      });
      deliver(verdict);
      return;
    }
    this.queued.push({ job, signers, settle: deliver });
    if (!this.pool && this.queued.length >= this.startAt) {
      this.pool = new WorkerPool(WORKER_URL, { size: this.workers, maxInFlightPerWorker: 2 });
    }
    if (this.pool && this.queued.length >= BATCH) {
      await this.pool.waitForCapacity();
      this.post();
    }
  }

  /**
   * With the cache: undefined when the verdict is cached (then `settle` has it already), else a `settle`
   * that also caches the verdict. Without: `settle` itself.
   */
  private remembering(
    job: ResultSignatureJob,
    signers: readonly AllowedSignerLine[],
    settle: (verdict: ResultSignatureVerdict) => void,
  ): ((verdict: ResultSignatureVerdict) => void) | undefined {
    const cache = this.cache;
    if (!cache || job.contentId === undefined) return settle;
    const shard = job.result.spec.benchmark;
    const key = `${contentKey('Result', job.contentId)}:${signersDigest(signers, job.what)}`;
    const known = cache.get(shard, key);
    if (isVerdict(known)) {
      settle(known);
      return undefined;
    }
    return (verdict) => {
      cache.set(shard, key, verdict);
      settle(verdict);
    };
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
      this.cache?.save();
    }
  }

  private post(): void {
    const pool = this.pool;
    if (!pool) return;
    const taken = this.queued.splice(0, BATCH);
    const signers: Record<string, AllowedSignerLine[]> = {};
    for (const { job, signers: lines } of taken) signers[job.signersKey] ??= [...lines];
    this.replies.push(
      // Structured cloning copies what is sent: only the signed fields, not the whole entity.
      pool
        .run({ signers, jobs: taken.map(({ job }) => ({ ...job, result: signedFields(job.result) })) })
        .then((reply) => {
          for (const [index, verdict] of reply.verdicts.entries()) taken[index].settle(verdict);
        }),
    );
  }
}
