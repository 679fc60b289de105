// The parse cache: keys agree with git's blob ids, shards keep only the entries a run used, and a shard
// of another version or a corrupt one is ignored and rewritten.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentKey, gitBlobId, ParseCache } from '../../cli/src/infra/parse-cache.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gitperf-parse-cache-'));
  dirs.push(d);
  return d;
};

describe('parse cache', () => {
  it("computes git's blob id of bytes", () => {
    const dir = tempDir();
    const bytes = Buffer.from('apiVersion: gitperf/v1\nkind: Result\n');
    writeFileSync(join(dir, 'f.yaml'), bytes);
    const fromGit = execFileSync('git', ['hash-object', join(dir, 'f.yaml')], { encoding: 'utf8' }).trim();
    expect(gitBlobId(bytes)).toBe(fromGit);
    expect(contentKey('Result', fromGit)).toBe(`Result:${fromGit}`);
  });

  it('keeps entries between runs, one file per shard, and only the entries the last run used', () => {
    const dir = tempDir();
    const first = new ParseCache<number[]>(dir, 1);
    first.set('bench-a', 'k1', [1]);
    first.set('bench-a', 'k2', [2]);
    first.set('owner/name', 'k3', [3]);
    first.save();
    expect(readdirSync(dir).sort()).toEqual(['bench-a.json', 'owner%2Fname.json']);
    const second = new ParseCache<number[]>(dir, 1);
    expect(second.get('bench-a', 'k1')).toEqual([1]);
    expect(second.get('bench-a', 'missing')).toBeUndefined();
    second.save();
    const third = new ParseCache<number[]>(dir, 1);
    expect(third.get('bench-a', 'k1')).toEqual([1]);
    expect(third.get('bench-a', 'k2')).toBeUndefined();
    // A shard the run did not touch is left as it was.
    expect(third.get('owner/name', 'k3')).toEqual([3]);
  });

  it('ignores a shard of another version or a corrupt one, and rewrites it', () => {
    const dir = tempDir();
    const cache = new ParseCache<string>(dir, 1);
    cache.set('b', 'k', 'v');
    cache.save();
    expect(new ParseCache<string>(dir, 2).get('b', 'k')).toBeUndefined();
    for (const bad of ['{"version":1,"entries":{"k"', 'null', '[]', '{"version":1,"entries":3}']) {
      writeFileSync(join(dir, 'b.json'), bad);
      const again = new ParseCache<string>(dir, 1);
      expect(again.get('b', 'k')).toBeUndefined();
      again.set('b', 'k', 'v2');
      again.save();
      expect(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'))).toEqual({
        version: 1,
        entries: { k: 'v2' },
      });
    }
  });

  it('without a folder keeps nothing', () => {
    const cache = new ParseCache<string>(undefined, 1);
    cache.set('b', 'k', 'v');
    expect(cache.get('b', 'k')).toBeUndefined();
    cache.save();
  });
});
