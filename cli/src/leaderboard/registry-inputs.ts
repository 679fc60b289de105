/**
 * What `leaderboard build` and `leaderboard show` read, in one place: a registry's leaderboard inputs
 * through the parse cache (a folder in a git work tree: git names the unchanged files, which are then not
 * even read), with the encrypted results the given identities can open decrypted.
 */
import { cleanBlobIds } from '../git/git.js';
import type { FileSource } from '../registry/file-source.js';
import { decryptLeaderboardInputs } from './decrypt.js';
import { type FileId, type LeaderboardRead, readLeaderboardInputs } from './read.js';

export async function readRegistryInputs(opts: {
  source: FileSource;
  /** The registry folder on disk; undefined when the source reads git objects (a profile's registry). */
  folder?: string;
  /** The home layout's `parseCache`. */
  cacheDir: string;
  /** Age identities: encrypted results count only when one of them (the committee's) opens them. */
  identities: readonly string[];
  /** Benchmark folders the caller already holds the output of are not read (read.ts `reuse`). */
  reuse?: (folder: string, files: readonly FileId[]) => boolean | Promise<boolean>;
}): Promise<LeaderboardRead> {
  // Not awaited here: git names the unchanged files while the reader lists the folder.
  const blobIds = opts.folder === undefined ? undefined : cleanBlobIds(opts.folder);
  const read = await readLeaderboardInputs(opts.source, {
    cacheDir: opts.cacheDir,
    ...(blobIds ? { blobIds } : {}),
    ...(opts.reuse ? { reuse: opts.reuse } : {}),
  });
  const { benchmarks } = await decryptLeaderboardInputs(read.benchmarks, opts.identities);
  return { ...read, benchmarks };
}
