/**
 * A fixed pool of worker threads that run jobs: each job is posted to the least-busy worker with a fresh
 * `id`, and the worker answers with a message carrying that `id`. At most `maxInFlightPerWorker` jobs wait
 * in a worker at once; more are queued here. A worker that crashes fails every pending job.
 */
import { type Transferable, Worker } from 'node:worker_threads';

export interface WorkerPoolOptions {
  size: number;
  /** Jobs a worker holds at once (default 1); 2 lets the next job's input be ready when one finishes. */
  maxInFlightPerWorker?: number;
}

/** The worker's script: a module URL, or CommonJS source evaluated in the worker. */
export type WorkerScript = URL | { evalSource: string };

interface PendingJob<Reply> {
  message: object;
  transfer: readonly Transferable[];
  resolve: (reply: Reply) => void;
  reject: (reason: Error) => void;
}

export class WorkerPool<Job extends { id: number }, Reply extends { id: number }> {
  private readonly workers: Worker[];
  private readonly load: number[];
  private readonly maxInFlight: number;
  private readonly inFlight = new Map<number, PendingJob<Reply> & { worker: number }>();
  private readonly queue: PendingJob<Reply>[] = [];
  private readonly capacityWaiters: Array<() => void> = [];
  private nextId = 0;
  private failure: Error | undefined;

  constructor(script: WorkerScript, options: WorkerPoolOptions) {
    this.maxInFlight = Math.max(1, options.maxInFlightPerWorker ?? 1);
    const size = Math.max(1, options.size);
    this.workers = Array.from({ length: size }, () =>
      script instanceof URL ? new Worker(script) : new Worker(script.evalSource, { eval: true }),
    );
    this.load = this.workers.map(() => 0);
    this.workers.forEach((worker, index) => {
      worker.on('message', (reply: Reply) => this.settle(index, reply));
      worker.on('error', (reason: Error) => this.fail(reason));
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Sends a message (set-up, shared data) to every worker; no answer is expected. */
  broadcast(message: unknown): void {
    for (const worker of this.workers) worker.postMessage(message);
  }

  /** Runs one job; resolves with the worker's answer. `transfer` moves buffers instead of copying them. */
  run(job: Omit<Job, 'id'>, transfer: readonly Transferable[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Reply>((resolve, reject) => {
      this.queue.push({ message: job, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /** Resolves once a new job would start at once (nothing queued, a worker below its limit): back-pressure. */
  async waitForCapacity(): Promise<void> {
    while (!this.failure && !this.hasCapacity()) {
      await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private hasCapacity(): boolean {
    return this.queue.length === 0 && this.load.some((jobs) => jobs < this.maxInFlight);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const least = this.load.indexOf(Math.min(...this.load));
      if (this.load[least] >= this.maxInFlight) return;
      const next = this.queue.shift() as PendingJob<Reply>;
      const id = this.nextId++;
      this.load[least]++;
      this.inFlight.set(id, { ...next, worker: least });
      this.workers[least].postMessage({ ...next.message, id }, [...next.transfer]);
    }
  }

  private settle(worker: number, reply: Reply): void {
    const job = this.inFlight.get(reply.id);
    this.inFlight.delete(reply.id);
    this.load[worker]--;
    this.dispatch();
    job?.resolve(reply);
    for (const wake of this.capacityWaiters.splice(0)) wake();
  }

  private fail(reason: Error): void {
    this.failure ??= reason;
    for (const job of [...this.inFlight.values(), ...this.queue.splice(0)]) job.reject(reason);
    this.inFlight.clear();
    for (const wake of this.capacityWaiters.splice(0)) wake();
  }
}
