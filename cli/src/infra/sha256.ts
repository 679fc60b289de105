/**
 * sha256 digests of files, byte strings and streams. Registry hashes are written `sha256:<64 hex>`; the
 * MedPerf folder hash works on bare hex digests, so both forms are offered.
 */
import crypto, { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';

/** A registry hash: `sha256:` and 64 lower-case hex digits. */
export const SHA256_RE = /^sha256:[0-9a-f]{64}$/;

/** Large reads: sha256 runs at ~1.5 GB/s, small chunks would leave it waiting on system calls. */
export const HASH_READ_CHUNK_BYTES = 1 << 20;

/** Files up to this size are hashed synchronously, through one shared buffer (that path never yields). */
const SMALL_FILE_BYTES = 64 * 1024;
const smallFileBuffer = Buffer.allocUnsafe(SMALL_FILE_BYTES);

/**
 * `sha256:<hex>` of a file's bytes. Small files (manifests, code, a dataset's CSVs) are hashed synchronously:
 * a cube run verifies dozens before every task, and a trip through libuv's thread pool costs more than such
 * a read, as does a 1 MiB stream buffer per file (its external memory makes V8 collect often). Larger files
 * are streamed.
 */
export async function sha256File(file: string): Promise<string> {
  if (statSync(file).size <= SMALL_FILE_BYTES) return `sha256:${sha256FileHexSync(file, smallFileBuffer)}`;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: HASH_READ_CHUNK_BYTES })) {
    hash.update(chunk as Buffer);
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Lower-case hex sha256 of a file's bytes, read synchronously into `buffer` (reused across calls): the unit of
 * work a hashing worker does. Throws the file system's error (its `code` says why).
 */
export function sha256FileHexSync(
  file: string,
  buffer: Buffer = Buffer.allocUnsafe(HASH_READ_CHUNK_BYTES),
): string {
  const hash = createHash('sha256');
  const descriptor = openSync(file, 'r');
  try {
    for (;;) {
      const bytesRead = readSync(descriptor, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
    }
  } finally {
    closeSync(descriptor);
  }
  return hash.digest('hex');
}

/** `sha256:<hex>` of bytes or a UTF-8 string. */
export function sha256Bytes(bytes: Uint8Array | string): string {
  return `sha256:${sha256Hex(bytes)}`;
}

const oneShotHash: typeof crypto.hash | undefined = crypto.hash;

/** Lower-case hex sha256 of bytes or a UTF-8 string (cache keys, combined digests). */
export function sha256Hex(bytes: Uint8Array | string): string {
  // The one-shot digest is about three times faster than a Hash object for short inputs (plan job ids);
  // Node before 20.12 has none.
  return oneShotHash ? oneShotHash('sha256', bytes, 'hex') : createHash('sha256').update(bytes).digest('hex');
}

/** A copy or download stopped because it sent more than its limit (`limit` bytes). */
export class SizeLimitError extends Error {
  constructor(readonly limit: number) {
    super(`larger than the ${limit}-byte limit`);
    this.name = 'SizeLimitError';
  }
}

/**
 * A pass-through stage for `stream.pipeline` that hashes what flows through it and refuses more than
 * `maxBytes` (a download or copy that would fill the disk); `digest()` after the pipeline ends.
 */
export function sha256Tap(maxBytes = Number.POSITIVE_INFINITY): {
  tap: (source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer>;
  digest: () => string;
} {
  const hash: Hash = createHash('sha256');
  let bytesSeen = 0;
  return {
    tap: async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        bytesSeen += chunk.length;
        if (bytesSeen > maxBytes) throw new SizeLimitError(maxBytes);
        hash.update(chunk);
        yield chunk;
      }
    },
    digest: () => `sha256:${hash.digest('hex')}`,
  };
}
