import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_FOLDER_HASH, folderHash, listFolderFiles } from '../../cli/src/workflows/folder-hash.js';

// MedPerf's get_folders_hash, verbatim in behaviour: the oracle the TypeScript version must agree with.
const MEDPERF_PY = `
import hashlib, os, sys
hashes = []
for path in sys.argv[1:]:
    for root, _, files in os.walk(path, topdown=False):
        for file in files:
            with open(os.path.join(root, file), 'rb') as f:
                hashes.append(hashlib.sha256(f.read()).hexdigest())
sha = hashlib.sha256()
for h in sorted(hashes):
    sha.update(h.encode('utf-8'))
print(sha.hexdigest())
`;
const medperf = (...paths: string[]) =>
  execFileSync('python3', ['-c', MEDPERF_PY, ...paths])
    .toString()
    .trim();

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gitperf-fh-'));
  await mkdir(join(root, 'data/sub/deeper'), { recursive: true });
  await mkdir(join(root, 'labels'), { recursive: true });
  await mkdir(join(root, 'data/empty'), { recursive: true });
  await mkdir(join(root, 'elsewhere'), { recursive: true });
  await writeFile(join(root, 'data/a.csv'), 'id,x\n1,2\n');
  await writeFile(join(root, 'data/.hidden'), 'secret');
  await writeFile(join(root, 'data/sub/deeper/b.bin'), randomBytes(100_000));
  await writeFile(join(root, 'labels/labels.csv'), 'id,y\n1,0\n');
  await writeFile(join(root, 'elsewhere/linked.txt'), 'through a link');
  await writeFile(join(root, 'elsewhere/only-in-dir.txt'), 'not descended');
  await symlink(join(root, 'elsewhere/linked.txt'), join(root, 'data/link-to-file'));
  await symlink(join(root, 'elsewhere'), join(root, 'data/link-to-dir'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('folderHash (MedPerf get_folders_hash)', () => {
  it('agrees with MedPerf on hidden files, nesting, symlinked files and symlinked directories', async () => {
    const d = join(root, 'data');
    const l = join(root, 'labels');
    const h = await folderHash([d, l]);
    expect(h.hex).toBe(medperf(d, l));
    expect(h.hash).toBe(`sha256:${h.hex}`);
    // a.csv, .hidden, b.bin, link-to-file (read through), labels.csv; link-to-dir is not descended.
    expect(h.files).toBe(5);
  });

  it('counts a folder passed twice twice, and ignores missing paths and plain files as os.walk does', async () => {
    const l = join(root, 'labels');
    const twice = await folderHash([l, l]);
    expect(twice.hex).toBe(medperf(l, l));
    expect(twice.hex).not.toBe((await folderHash([l])).hex);
    const odd = await folderHash([l, join(root, 'missing'), join(root, 'data/a.csv')]);
    expect(odd.hex).toBe((await folderHash([l])).hex);
    expect(odd.ignored.map((i) => i.reason)).toEqual(['missing', 'not-a-directory']);
  });

  it('gives the sha256 of the empty string when there are no files', async () => {
    expect((await folderHash([join(root, 'data/empty')])).hex).toBe(EMPTY_FOLDER_HASH);
    expect(medperf(join(root, 'data/empty'))).toBe(EMPTY_FOLDER_HASH);
  });

  it('does not depend on names or locations, but does on every byte of data and labels', async () => {
    const d = await mkdtemp(join(tmpdir(), 'gitperf-fh-move-'));
    try {
      await mkdir(join(d, 'x'));
      await writeFile(join(d, 'x/one'), 'id,x\n1,2\n');
      await writeFile(join(d, 'two'), 'id,y\n1,0\n');
      const before = await folderHash([d]);
      await rename(join(d, 'x/one'), join(d, 'renamed'));
      expect((await folderHash([d])).hex).toBe(before.hex);
      await writeFile(join(d, 'two'), 'id,y\n1,1\n');
      expect((await folderHash([d])).hex).not.toBe(before.hex);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });

  it('gives the same hash from worker threads as from one thread', async () => {
    const d = join(root, 'data');
    const one = await folderHash([d], { workers: 1 });
    const two = await folderHash([d], { workers: 2 });
    expect(two.hex).toBe(one.hex);
    const progress: number[] = [];
    await folderHash([d], { workers: 2, onProgress: (p) => progress.push(p.filesDone) });
    expect(progress.at(-1)).toBe(4);
  });

  it('refuses a broken symlink with a diagnostic instead of guessing', async () => {
    const d = await mkdtemp(join(tmpdir(), 'gitperf-fh-broken-'));
    try {
      await symlink(join(d, 'nowhere'), join(d, 'dangling'));
      await expect(folderHash([d])).rejects.toMatchObject({ diagnostic: { code: 'hash.unreadable' } });
      await expect(listFolderFiles([d])).rejects.toThrow(/broken symbolic link/);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
