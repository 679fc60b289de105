// age encryption of result measurements, against the real `age` and `age-keygen` (Debian's age package):
// each side decrypts what the other encrypted, a non-recipient cannot, and bad keys or ciphertexts give
// clear trust.age-* diagnostics.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptArmored, encryptArmored } from '../../cli/src/trust/age-armor.js';
import {
  AGE_RECIPIENT_PATTERN,
  checkAgeRecipient,
  isAgeRecipient,
  parseIdentityFile,
  readIdentityFile,
} from '../../cli/src/trust/age-keys.js';
import { decryptMeasurements, encryptMeasurements } from '../../cli/src/trust/encrypted-measurements.js';
import { measurementsDigest } from '../../cli/src/trust/measurements.js';
import { codeOf } from './fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitperf-trust-age-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(
  command: string,
  args: string[],
  input?: string,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { input, encoding: 'utf8' });
  if (result.error)
    throw new Error(`${command} could not start (install the age package): ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An identity file made by age-keygen (with its comment lines) and its recipient. */
async function ageKeygen(name: string): Promise<{ file: string; recipient: string }> {
  const file = join(dir, name);
  const made = run('age-keygen', ['-o', file]);
  expect(made.status, made.stderr).toBe(0);
  const recipient = run('age-keygen', ['-y', file]).stdout.trim();
  return { file, recipient };
}

const measurements = {
  metrics: { accuracy: 0.939394, auc: Number.NaN, coverage: 1 },
  sufficientStatistics: { cases: 33, tp: 11, fp: 1, tn: 20, fn: 1 },
};

describe('recipients and identities', () => {
  it('validates X25519 recipients by pattern and checksum', async () => {
    const recipient = await identityToRecipient(await generateX25519Identity());
    expect(isAgeRecipient(recipient)).toBe(true);
    expect(new RegExp(AGE_RECIPIENT_PATTERN).test(recipient)).toBe(true);
    const flipped = recipient.slice(0, -1) + (recipient.endsWith('q') ? 'p' : 'q');
    for (const bad of [
      flipped,
      recipient.toUpperCase(),
      recipient.slice(0, -2),
      `${recipient}q`,
      'age1',
      '',
      'ssh-ed25519 AAAA',
    ]) {
      expect(isAgeRecipient(bad), bad).toBe(false);
    }
    expect(
      await codeOf(Promise.resolve().then(() => checkAgeRecipient(flipped, 'recipient 1 of user ana'))),
    ).toBe('trust.age-recipient');
  });

  it('reads age-keygen identity files, comments included', async () => {
    const { file, recipient } = await ageKeygen('reader');
    const identities = await readIdentityFile(file);
    expect(identities).toHaveLength(1);
    expect(await identityToRecipient(identities[0])).toBe(recipient);
  });

  it('refuses bad identity lines naming the line, never echoing the secret', async () => {
    const identity = await generateX25519Identity();
    const corrupted = `${identity.slice(0, -1)}${identity.endsWith('Q') ? 'P' : 'Q'}`;
    for (const [text, line] of [
      [`# created\n${corrupted}\n`, 2],
      [`${identity}\nage1qqqq\n`, 2],
      [`\n\nAGE-SECRET-KEY-PQ-1ABC\n`, 3],
    ] as const) {
      let caught: unknown;
      try {
        parseIdentityFile(text, 'keys/ana.txt');
      } catch (problem) {
        caught = problem;
      }
      expect(caught).toMatchObject({
        diagnostic: { code: 'trust.age-identity', file: 'keys/ana.txt', line },
      });
      expect(String((caught as Error).message)).not.toContain(corrupted);
    }
    expect(await codeOf(Promise.resolve().then(() => parseIdentityFile('# only a comment\n')))).toBe(
      'trust.age-identity',
    );
    expect(await codeOf(readIdentityFile(join(dir, 'missing')))).toBe('trust.age-identity-unreadable');
  });
});

describe('encryption with the age CLI', () => {
  it('age -d -i decrypts what we encrypt to five recipients', async () => {
    const readers = await Promise.all(
      ['committee', 'owner', 'model', 'fourth', 'fifth'].map((name) => ageKeygen(name)),
    );
    const encrypted = await encryptMeasurements(
      measurements,
      readers.map((reader) => reader.recipient),
    );
    expect(encrypted.ciphertext.startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
    const file = join(dir, 'result.age');
    await writeFile(file, encrypted.ciphertext);
    for (const reader of [readers[0], readers[4]]) {
      const decrypted = run('age', ['-d', '-i', reader.file, file]);
      expect(decrypted.status, decrypted.stderr).toBe(0);
      const plaintext = JSON.parse(decrypted.stdout);
      expect(plaintext.metrics).toEqual({ accuracy: 0.939394, auc: 'NaN', coverage: 1 });
      expect(plaintext.sufficientStatistics).toEqual(measurements.sufficientStatistics);
      expect(plaintext.nonce).toMatch(/^[0-9a-f]{64}$/);
      expect(measurementsDigest({ ...measurements, nonce: plaintext.nonce })).toBe(
        encrypted.measurementsSha256,
      );
    }
    const outsider = await ageKeygen('outsider');
    const refused = run('age', ['-d', '-i', outsider.file, file]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/no identity matched/);
  });

  it('we decrypt what age -r -a encrypts; a non-recipient cannot', async () => {
    const reader = await ageKeygen('cli-reader');
    const plaintext = `{"metrics":{"accuracy":0.5,"auc":"NaN"},"nonce":"${'ab'.repeat(32)}"}`;
    const encrypted = run('age', ['-r', reader.recipient, '-a'], plaintext);
    expect(encrypted.status, encrypted.stderr).toBe(0);
    const identities = await readIdentityFile(reader.file);
    const { measurements: decrypted, measurementsSha256 } = await decryptMeasurements(
      encrypted.stdout,
      identities,
    );
    expect(decrypted.metrics.accuracy).toBe(0.5);
    expect(decrypted.metrics.auc).toBeNaN();
    expect(decrypted.nonce).toBe('ab'.repeat(32));
    expect(measurementsSha256).toBe(measurementsDigest(decrypted));

    const outsider = await readIdentityFile((await ageKeygen('cli-outsider')).file);
    await expect(
      decryptArmored(encrypted.stdout, outsider, 'the metrics of lee.bc-centroid'),
    ).rejects.toMatchObject({
      diagnostic: { code: 'trust.age-not-recipient' },
      message: expect.stringContaining('the metrics of lee.bc-centroid'),
    });
  });
});

describe('encryption errors', () => {
  it('re-encryption keeps the nonce, so the digest the signature covers is unchanged', async () => {
    const first = await identityToRecipient(await generateX25519Identity());
    const laterIdentity = await generateX25519Identity();
    const encrypted = await encryptMeasurements(measurements, [first]);
    const nonce = 'cd'.repeat(32);
    const withKnownNonce = await encryptMeasurements({ ...measurements, nonce }, [first]);
    const reEncrypted = await encryptMeasurements({ ...measurements, nonce }, [
      await identityToRecipient(laterIdentity),
    ]);
    expect(reEncrypted.measurementsSha256).toBe(withKnownNonce.measurementsSha256);
    expect(encrypted.measurementsSha256).not.toBe(withKnownNonce.measurementsSha256);
    expect((await decryptMeasurements(reEncrypted.ciphertext, [laterIdentity])).measurementsSha256).toBe(
      withKnownNonce.measurementsSha256,
    );
  });

  it('gives trust.age-* codes for malformed input and bad recipients', async () => {
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    const armored = await encryptArmored('secret', [recipient]);
    const body = armored.split('\n');
    // Alter the payload (the last base64 line holds its authentication tag): decryption must fail, loudly.
    const flipped = [...body];
    const lastBodyLine = body.indexOf('-----END AGE ENCRYPTED FILE-----') - 1;
    flipped[lastBodyLine] = flipped[lastBodyLine].replace(/[A-Za-z]/, (char) => (char === 'A' ? 'B' : 'A'));
    expect(await codeOf(decryptArmored('not armored', [identity]))).toBe('trust.age-malformed');
    expect(await codeOf(decryptArmored(armored.replace('AGE ENCRYPTED', 'AGE ENCRYPTD'), [identity]))).toBe(
      'trust.age-malformed',
    );
    expect(await codeOf(decryptArmored(flipped.join('\n'), [identity]))).toBe('trust.age-malformed');
    expect(await codeOf(decryptArmored(armored, []))).toBe('trust.age-no-identity');
    expect(await codeOf(decryptArmored(armored, ['AGE-SECRET-KEY-1XYZ']))).toBe('trust.age-identity');
    expect(await codeOf(encryptArmored('x', []))).toBe('trust.age-no-recipients');
    expect(await codeOf(encryptArmored('x', [recipient, 'age1pq1notsupported']))).toBe('trust.age-recipient');
    expect(new TextDecoder().decode(await decryptArmored(armored, [identity]))).toBe('secret');
  });

  it('refuses decrypted bytes that are not measurements', async () => {
    const identity = await generateX25519Identity();
    const armored = await encryptArmored('{"metrics":{"a":"high"}}', [await identityToRecipient(identity)]);
    expect(await codeOf(decryptMeasurements(armored, [identity]))).toBe('trust.measurements-malformed');
  });
});
