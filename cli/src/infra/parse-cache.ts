/**
 * The one cache of parsed registry files: what a reader took from a file (a projection), keyed by the
 * file's content. The key is git's blob id of the content (`<kind>:<blob id>`), so a reader that asks git
 * which files are unchanged (git/git.ts `cleanBlobIds`) never reads or hashes them, and one that reads a
 * file computes the same key from its bytes (`contentKey`). The cache is a pure function of the contents:
 * deleting it only costs time; an unreadable or corrupt shard is ignored and rewritten.
 *
 * Layout (under the home's `parseCache`): `<reader>/<shard>.json`, one JSON file per shard (a benchmark,
 * say), loaded only when a key of that shard is asked for, so a reader that needs a few benchmarks reads
 * only theirs. A saved shard keeps only the entries used in this run (the registry's current state), so
 * the cache never outgrows the registry. Writes are atomic.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from './atomic-write.js';

/** Git's blob id (sha1 of `blob <size>\0<bytes>`): the key of content read from disk. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** The cache key of a file of `kind` with this git blob id (what a projection depends on). */
export function contentKey(kind: string, blobId: string): string {
  return `${kind}:${blobId}`;
}

interface Shard<V> {
  file: string;
  stored: Map<string, V>;
  used: Map<string, V>;
  /** Whether the file on disk differs from `used` (new entries, dropped ones, or unreadable). */
  dirty: boolean;
}

interface StoredShard<V> {
  version?: number;
  entries?: Record<string, V>;
}

/**
 * A reader's cache. `version` is the reader's projection format: bump it when the shape changes, and
 * shards written with another version are ignored. `dir` undefined: nothing is kept (every get misses).
 */
export class ParseCache<V> {
  private readonly shards = new Map<string, Shard<V>>();

  constructor(
    private readonly dir: string | undefined,
    private readonly version: number,
  ) {}

  get(shard: string, key: string): V | undefined {
    const shardState = this.shard(shard);
    if (!shardState) return undefined;
    const hit = shardState.used.get(key) ?? shardState.stored.get(key);
    if (hit !== undefined) shardState.used.set(key, hit);
    return hit;
  }

  set(shard: string, key: string, value: V): void {
    const shardState = this.shard(shard);
    if (!shardState) return;
    shardState.used.set(key, value);
    shardState.dirty = true;
  }

  /** Writes the shards this run touched whose content changed. A cache that cannot be written only costs time. */
  save(): void {
    for (const shardState of this.shards.values()) {
      if (!shardState.dirty && shardState.used.size === shardState.stored.size) continue;
      try {
        writeFileAtomicSync(
          shardState.file,
          JSON.stringify({ version: this.version, entries: Object.fromEntries(shardState.used) }),
        );
      } catch {
        // Read-only home, full disk: the next run parses again.
      }
    }
  }

  private shard(name: string): Shard<V> | undefined {
    if (!this.dir) return undefined;
    let shardState = this.shards.get(name);
    if (shardState) return shardState;
    shardState = {
      file: join(this.dir, `${encodeURIComponent(name)}.json`),
      stored: new Map(),
      used: new Map(),
      dirty: false,
    };
    this.shards.set(name, shardState);
    let text: string | undefined;
    try {
      text = readFileSync(shardState.file, 'utf8');
    } catch {
      return shardState; // no shard yet
    }
    try {
      const parsed = JSON.parse(text) as StoredShard<V>;
      if (parsed.version === this.version && parsed.entries && typeof parsed.entries === 'object')
        shardState.stored = new Map(Object.entries(parsed.entries));
      else shardState.dirty = true;
    } catch {
      // Corrupt (a torn copy, a bad disk): treated as empty, and rewritten at save.
      shardState.dirty = true;
    }
    return shardState;
  }
}
