import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../cli/src/infra/worker-pool.js';

// Doubles a number after an optional delay, or crashes on request; `offset` comes from a broadcast.
const SOURCE = `
const { parentPort, threadId } = require('node:worker_threads');
let offset = 0;
parentPort.on('message', (message) => {
  if (message.type === 'offset') { offset = message.value; return; }
  if (message.crash) throw new Error('worker crashed');
  setTimeout(() => parentPort.postMessage({ id: message.id, value: message.value * 2 + offset, threadId }), message.delay ?? 0);
});
`;

interface Job {
  id: number;
  value: number;
  delay?: number;
  crash?: boolean;
}
interface Reply {
  id: number;
  value: number;
  threadId: number;
}

describe('the worker pool', () => {
  it('runs every job once, answers each job with its own reply, and spreads jobs over the workers', async () => {
    const pool = new WorkerPool<Job, Reply>({ evalSource: SOURCE }, { size: 2 });
    try {
      pool.broadcast({ type: 'offset', value: 1 });
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, value) => pool.run({ value, delay: (20 - value) % 3 })),
      );
      expect(replies.map((reply) => reply.value)).toEqual(
        Array.from({ length: 20 }, (_, value) => value * 2 + 1),
      );
      expect(new Set(replies.map((reply) => reply.threadId)).size).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('limits jobs in flight per worker: waitForCapacity waits until one finishes', async () => {
    const pool = new WorkerPool<Job, Reply>({ evalSource: SOURCE }, { size: 1, maxInFlightPerWorker: 2 });
    try {
      const first = pool.run({ value: 1, delay: 50 });
      const second = pool.run({ value: 2, delay: 50 });
      let waited = false;
      const capacity = pool.waitForCapacity().then(() => {
        waited = true;
      });
      await Promise.resolve();
      expect(waited).toBe(false);
      await first;
      await capacity;
      expect(waited).toBe(true);
      await second;
    } finally {
      await pool.close();
    }
  });

  it('fails every pending job when a worker crashes, and refuses new ones', async () => {
    const pool = new WorkerPool<Job, Reply>({ evalSource: SOURCE }, { size: 1 });
    try {
      const crashing = pool.run({ value: 1, crash: true });
      const queued = pool.run({ value: 2 });
      await expect(crashing).rejects.toThrow('worker crashed');
      await expect(queued).rejects.toThrow('worker crashed');
      await expect(pool.run({ value: 3 })).rejects.toThrow('worker crashed');
      await expect(pool.waitForCapacity()).rejects.toThrow('worker crashed');
    } finally {
      await pool.close();
    }
  });
});
