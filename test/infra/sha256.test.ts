import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SHA256_RE,
  sha256Bytes,
  sha256File,
  sha256FileHexSync,
  sha256Hex,
  sha256Tap,
} from '../../cli/src/infra/sha256.js';

// sha256("abc"), from FIPS 180-2.
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('sha256', () => {
  const root = mkdtempSync(join(tmpdir(), 'gitperf-sha256-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('hashes bytes, strings and files to the same known digest', async () => {
    const file = join(root, 'abc');
    writeFileSync(file, 'abc');
    expect(sha256Hex('abc')).toBe(ABC);
    expect(sha256Bytes(Buffer.from('abc'))).toBe(`sha256:${ABC}`);
    expect(await sha256File(file)).toBe(`sha256:${ABC}`);
    // A buffer smaller than the file: the digest must not depend on how the file is read.
    expect(sha256FileHexSync(file, Buffer.alloc(2))).toBe(ABC);
    expect(SHA256_RE.test(`sha256:${ABC}`)).toBe(true);
    expect(SHA256_RE.test(ABC)).toBe(false);
  });

  it('throws the file system error for an unreadable file', () => {
    expect(() => sha256FileHexSync(join(root, 'missing'))).toThrow(/ENOENT/);
  });

  it('taps a stream: passes the bytes on, hashes them, refuses more than the cap', async () => {
    const hashing = sha256Tap(10);
    const received: Buffer[] = [];
    await pipeline(Readable.from([Buffer.from('a'), Buffer.from('bc')]), hashing.tap, async (source) => {
      for await (const chunk of source) received.push(chunk as Buffer);
    });
    expect(Buffer.concat(received).toString()).toBe('abc');
    expect(hashing.digest()).toBe(`sha256:${ABC}`);
    const capped = sha256Tap(2);
    await expect(
      pipeline(Readable.from([Buffer.from('abc')]), capped.tap, async (source) => {
        for await (const _ of source);
      }),
    ).rejects.toThrow(/2-byte limit/);
  });
});
