// Runner key files on disk: written atomically with mode 0600 (never wider, even for a moment), refused when
// others can read them, and clear errors for a missing or corrupted file.
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../../cli/src/trust/ed25519.js';
import { createKeyPairFiles, readPrivateKeyFile, writeKeyPairFiles } from '../../cli/src/trust/key-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitperf-trust-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('key files', () => {
  it('writes the private key 0600 and the public key 0644, replacing an older key atomically', async () => {
    const file = join(dir, 'keys', 'runner');
    const first = await createKeyPairFiles(file, 'first');
    // A previous key file with a wide mode is replaced by a new inode with 0600, not chmod-ed in place.
    await chmod(file, 0o644);
    const second = generateEd25519KeyPair();
    await writeKeyPairFiles(file, second, 'second');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(`${file}.pub`)).mode & 0o777).toBe(0o644);
    expect((await readPrivateKeyFile(file)).publicKey).toEqual(second.publicKey);
    expect(first.pair.publicKey).not.toEqual(second.publicKey);
    expect((await readdir(join(dir, 'keys'))).sort()).toEqual(['runner', 'runner.pub']);
  });

  it('refuses a private key that others can read, saying how to fix it', async () => {
    const file = join(dir, 'open');
    await createKeyPairFiles(file);
    await chmod(file, 0o640);
    await expect(readPrivateKeyFile(file)).rejects.toMatchObject({
      diagnostic: { code: 'trust.private-key-permissions', file },
      message: expect.stringContaining(`chmod 600 ${file}`),
    });
  });

  it('names the file for a missing or corrupted key', async () => {
    await expect(readPrivateKeyFile(join(dir, 'missing'))).rejects.toMatchObject({
      diagnostic: { code: 'trust.private-key-unreadable' },
    });
    const file = join(dir, 'corrupt');
    await createKeyPairFiles(file);
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    lines[2] = lines[2].replace(/[A-Za-z]/, (char) => (char === 'A' ? 'B' : 'A'));
    await writeFile(file, lines.join('\n'), { mode: 0o600 });
    await expect(readPrivateKeyFile(file)).rejects.toMatchObject({
      diagnostic: { code: 'trust.private-key-malformed', file },
    });
  });
});
