import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  placeDirOnce,
  removeDirAtomic,
  replaceDir,
  stagingDir,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../../cli/src/infra/atomic-write.js';

describe('atomic writes', () => {
  const root = mkdtempSync(join(tmpdir(), 'gitperf-atomic-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes a file (creating its folder), replaces it whole, and leaves no temp file behind', async () => {
    const file = join(root, 'deep', 'folder', 'config.yaml');
    await writeFileAtomic(file, 'first\n');
    await writeFileAtomic(file, 'second\n', { mode: 0o600 });
    expect(readFileSync(file, 'utf8')).toBe('second\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, 'deep', 'folder'))).toEqual(['config.yaml']);
  });

  it('writes synchronously the same way', () => {
    const file = join(root, 'sync', 'CODEOWNERS');
    writeFileAtomicSync(file, 'a\n');
    writeFileAtomicSync(file, 'b\n');
    expect(readFileSync(file, 'utf8')).toBe('b\n');
    expect(readdirSync(join(root, 'sync'))).toEqual(['CODEOWNERS']);
  });

  it('keeps the old content and removes its temp file when the write fails', async () => {
    const folder = join(root, 'target-is-a-folder');
    mkdirSync(join(folder, 'x'), { recursive: true });
    writeFileSync(join(folder, 'x', 'inside'), 'kept');
    // Renaming a file over a non-empty folder fails: the folder stays as it was.
    await expect(writeFileAtomic(join(folder, 'x'), 'new')).rejects.toThrow();
    expect(readdirSync(folder)).toEqual(['x']);
    expect(readFileSync(join(folder, 'x', 'inside'), 'utf8')).toBe('kept');
  });

  it('replaces a folder with a staged one, and removes a folder through the trash', async () => {
    const final = join(root, 'datasets', 'd1');
    const trash = join(root, '.trash');
    mkdirSync(final, { recursive: true });
    writeFileSync(join(final, 'old'), 'old');
    const staged = await stagingDir(join(root, '.tmp'), 'd1');
    writeFileSync(join(staged, 'new'), 'new');
    await replaceDir(staged, final, trash);
    expect(readdirSync(final)).toEqual(['new']);
    expect(readdirSync(trash)).toEqual([]);
    await removeDirAtomic(final, trash);
    expect(readdirSync(join(root, 'datasets'))).toEqual([]);
    // A folder that is already gone is not an error.
    await removeDirAtomic(final, trash);
  });

  it('places a staged folder once: a second writer finds the first one in place and leaves it', async () => {
    const final = join(root, 'snapshots', 'abc');
    const first = await stagingDir(join(root, 'snapshots'), '.tmp-abc');
    writeFileSync(join(first, 'from'), 'first');
    expect(await placeDirOnce(first, final)).toBe(true);
    const second = await stagingDir(join(root, 'snapshots'), '.tmp-abc');
    writeFileSync(join(second, 'from'), 'second');
    expect(await placeDirOnce(second, final)).toBe(false);
    expect(readFileSync(join(final, 'from'), 'utf8')).toBe('first');
    expect(readdirSync(join(root, 'snapshots'))).toEqual(['abc']);
  });
});
