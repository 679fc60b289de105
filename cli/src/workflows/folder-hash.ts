/**
 * MedPerf's folder hash (`get_folders_hash` in medperf/utils.py), used for a dataset's `inputDataHash`
 * (raw data + labels) and `generatedUid` (prepared data + labels):
 *   1. walk every given path like `os.walk(path)` (followlinks=False): every file at any depth, hidden ones
 *      included; symlinked files are read, symlinked directories are not descended; a missing path, or a
 *      path that is a plain file, contributes nothing (os.walk yields nothing for them);
 *   2. sha256 of each file's bytes as lower-case hex (a folder given twice contributes twice);
 *   3. sort the digests and take the sha256 of their concatenation.
 * The result is independent of file names and order, so it can be recomputed anywhere from the same bytes.
 *
 * Big folders are hashed by worker threads (one per core), since sha256 is CPU-bound and the machine's
 * OpenSSL reaches ~1.5 GB/s per core with SHA extensions.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fail } from '../diagnostics/diagnostic.js';
import { sha256FileHexSync } from '../infra/sha256.js';
import { WorkerPool } from '../infra/worker-pool.js';

/** sha256 of the empty string: the hash of folders that hold no file. */
export const EMPTY_FOLDER_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface HashedFile {
  path: string;
  size: number;
}

export interface FolderListing {
  files: HashedFile[];
  totalBytes: number;
  /** Given paths that contribute nothing (missing, or not a directory), so a command can warn. */
  ignored: { path: string; reason: 'missing' | 'not-a-directory' }[];
}

export interface HashProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface FolderHashOptions {
  /** Worker threads to hash with; 1 hashes in this thread. Default: one per core (at most 4) for big folders. */
  workers?: number;
  onProgress?: (p: HashProgress) => void;
}

export interface FolderHash {
  /** Lower-case hex, no prefix (MedPerf's form). */
  hex: string;
  /** `sha256:<hex>`, the form gitperf entities record. */
  hash: string;
  files: number;
  bytes: number;
  ignored: FolderListing['ignored'];
}

/** Below this many bytes, starting workers costs more than it saves. */
const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/** Work handed to a worker at a time: large enough to amortise messages, small enough to balance. */
const BATCH_BYTES = 16 * 1024 * 1024;
const BATCH_FILES = 256;
const READ_CHUNK = 4 * 1024 * 1024;

/** List the files `os.walk` would visit under each path, in a stable order. */
export async function listFolderFiles(paths: readonly string[]): Promise<FolderListing> {
  const files: HashedFile[] = [];
  const ignored: FolderListing['ignored'] = [];
  for (const root of paths) {
    // The top path itself is followed even when it is a symlink, as os.walk's scandir(top) does.
    const st = await stat(root).catch(() => undefined);
    if (!st) {
      ignored.push({ path: root, reason: 'missing' });
      continue;
    }
    if (!st.isDirectory()) {
      ignored.push({ path: root, reason: 'not-a-directory' });
      continue;
    }
    await walk(root, files);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let totalBytes = 0;
  for (const file of files) totalBytes += file.size;
  return { files, totalBytes, ignored };
}

async function walk(dir: string, out: HashedFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((readError: NodeJS.ErrnoException) =>
    fail(
      'hash.unreadable',
      `cannot read folder ${dir} (${readError.code ?? readError.message}); check its permissions`,
      {
        file: dir,
      },
    ),
  );
  for (const entry of entries) {
    const entryPath = join(dir, entry.name);
    if (entry.isDirectory()) {
      await walk(entryPath, out);
    } else if (entry.isFile()) {
      const stats = await lstat(entryPath);
      out.push({ path: entryPath, size: stats.size });
    } else if (entry.isSymbolicLink()) {
      // os.walk: a link to a directory is listed as a directory but not descended; anything else is a file.
      const target = await stat(entryPath).catch(() => undefined);
      if (target?.isDirectory()) continue;
      if (!target)
        fail('hash.unreadable', `${entryPath} is a broken symbolic link; remove it or restore its target`, {
          file: entryPath,
        });
      if (!target.isFile())
        fail('hash.unreadable', `${entryPath} links to something that is not a regular file; remove it`, {
          file: entryPath,
        });
      out.push({ path: entryPath, size: target.size });
    } else {
      fail(
        'hash.unreadable',
        `${entryPath} is not a regular file (fifo, socket or device); remove it from the folder`,
        {
          file: entryPath,
        },
      );
    }
  }
}

/** sha256 of one file's bytes, lower-case hex; an unreadable file is a `hash.unreadable` error naming it. */
function sha256OfListedFile(path: string, buffer: Buffer): string {
  try {
    return sha256FileHexSync(path, buffer);
  } catch (e) {
    return fail('hash.unreadable', `cannot read ${path} (${(e as NodeJS.ErrnoException).code})`, {
      file: path,
    });
  }
}

/** Combine per-file digests MedPerf's way: sort, concatenate, sha256. */
export function combineDigests(digests: readonly string[]): string {
  const hash = createHash('sha256');
  for (const digest of [...digests].sort()) hash.update(digest, 'utf8');
  return hash.digest('hex');
}

/** The MedPerf folder hash of `paths` (see the file comment for the exact rule). */
export async function folderHash(
  paths: readonly string[],
  opts: FolderHashOptions = {},
): Promise<FolderHash> {
  const listing = await listFolderFiles(paths);
  const digests = await hashFiles(listing.files, opts);
  const hex = combineDigests(digests);
  return {
    hex,
    hash: `sha256:${hex}`,
    files: listing.files.length,
    bytes: listing.totalBytes,
    ignored: listing.ignored,
  };
}

/** Per-file sha256 digests (hex) of `files`, in the order given. */
export async function hashFiles(
  files: readonly HashedFile[],
  opts: FolderHashOptions = {},
): Promise<string[]> {
  let total = 0;
  for (const file of files) total += file.size;
  const workers =
    opts.workers ??
    (total >= PARALLEL_MIN_BYTES && files.length > 1 ? Math.min(availableParallelism(), 4) : 1);
  if (workers <= 1 || files.length < 2) return hashInThread(files, total, opts.onProgress);
  return hashInWorkers(files, total, Math.min(workers, files.length), opts.onProgress);
}

async function hashInThread(
  files: readonly HashedFile[],
  total: number,
  onProgress?: (p: HashProgress) => void,
): Promise<string[]> {
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  const out: string[] = [];
  let bytesDone = 0;
  let lastTick = Date.now();
  for (const file of files) {
    out.push(sha256OfListedFile(file.path, buf));
    bytesDone += file.size;
    if (onProgress && Date.now() - lastTick > 100) {
      lastTick = Date.now();
      onProgress({ filesDone: out.length, filesTotal: files.length, bytesDone, bytesTotal: total });
      // Let the event loop paint progress between files.
      await new Promise((r) => setImmediate(r));
    }
  }
  onProgress?.({ filesDone: files.length, filesTotal: files.length, bytesDone: total, bytesTotal: total });
  return out;
}

// The worker is plain CommonJS evaluated from a string, so it runs the same from cli/dist and from
// TypeScript sources under vitest/tsx (a separate .js file would not exist in the latter). It cannot import,
// so it repeats the few lines of infra/sha256.ts `sha256FileHexSync`.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const buf = Buffer.allocUnsafe(${READ_CHUNK});
parentPort.on('message', (msg) => {
  const digests = [];
  for (const path of msg.paths) {
    let fd;
    try { fd = openSync(path, 'r'); } catch (e) { parentPort.postMessage({ id: msg.id, error: path + ' (' + e.code + ')' }); return; }
    try {
      const hash = createHash('sha256');
      for (;;) {
        const bytesRead = readSync(fd, buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        hash.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      }
      digests.push(hash.digest('hex'));
    } catch (e) {
      parentPort.postMessage({ id: msg.id, error: path + ' (' + (e.code || e.message) + ')' }); return;
    } finally { closeSync(fd); }
  }
  parentPort.postMessage({ id: msg.id, digests });
});
`;

interface HashJob {
  id: number;
  paths: string[];
}

interface HashReply {
  id: number;
  digests?: string[];
  error?: string;
}

interface Batch {
  start: number;
  files: readonly HashedFile[];
  bytes: number;
}

function makeBatches(files: readonly HashedFile[]): Batch[] {
  const batches: Batch[] = [];
  let start = 0;
  while (start < files.length) {
    let end = start;
    let bytes = 0;
    while (end < files.length && (end === start || (bytes < BATCH_BYTES && end - start < BATCH_FILES))) {
      bytes += files[end].size;
      end++;
    }
    batches.push({ start, files: files.slice(start, end), bytes });
    start = end;
  }
  return batches;
}

async function hashInWorkers(
  files: readonly HashedFile[],
  total: number,
  count: number,
  onProgress?: (p: HashProgress) => void,
): Promise<string[]> {
  const out = new Array<string>(files.length);
  let filesDone = 0;
  let bytesDone = 0;
  const pool = new WorkerPool<HashJob, HashReply>({ evalSource: WORKER_SOURCE }, { size: count });
  try {
    await Promise.all(
      makeBatches(files).map(async (batch) => {
        const reply = await pool.run({ paths: batch.files.map((f) => f.path) });
        if (reply.error !== undefined) throw new Error(reply.error);
        reply.digests?.forEach((digest, index) => {
          out[batch.start + index] = digest;
        });
        filesDone += batch.files.length;
        bytesDone += batch.bytes;
        onProgress?.({ filesDone, filesTotal: files.length, bytesDone, bytesTotal: total });
      }),
    );
  } catch (e) {
    const msg = (e as Error).message;
    return fail('hash.unreadable', `cannot read ${msg}; check the file's permissions`);
  } finally {
    await pool.close();
  }
  return out;
}
