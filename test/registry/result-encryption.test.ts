// Who may read a result (registry/result-readers.ts) and a Result's measurements encrypted to them and back
// (registry/result-encryption.ts), against the real `age` CLI both ways; the identity file `gitperf user
// age-key` makes is one `age -d -i` reads.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encryptResult,
  readableMeasurements,
  requireCommitteeReader,
} from '../../cli/src/registry/result-encryption.js';
import { describeReaders, resultReaders, resultsEncrypted } from '../../cli/src/registry/result-readers.js';
import type { Benchmark, Result } from '../../cli/src/registry/types.generated.js';
import {
  allowedSignerLines,
  canonicalJson,
  encryptMeasurements,
  ensureAgeIdentityFile,
  formatPublicKey,
  generateEd25519KeyPair,
  type JsonValue,
  type Measurements,
  readIdentityFile,
  signResult,
  verifyResultSignature,
} from '../../cli/src/trust/index.js';
import { codeOf } from '../helpers/errors.js';
import { sampleResult } from '../trust/fixtures.js';

let dir: string;
const identityFiles = new Map<string, string>();
const recipientOf = new Map<string, string>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitperf-result-encryption-'));
  for (const login of ['ana', 'raj', 'hospital-c', 'lee', 'kim']) {
    const file = join(dir, login);
    const { recipients } = await ensureAgeIdentityFile(file);
    identityFiles.set(login, file);
    recipientOf.set(login, recipients[0]);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(command: string, args: string[], input?: string) {
  const result = spawnSync(command, args, { input, encoding: 'utf8' });
  if (result.error)
    throw new Error(`${command} could not start (install the age package): ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const benchmark = (sharing: string, participants?: string) =>
  ({
    spec: {
      committee: ['ana', 'raj'],
      policy: {
        sharing,
        ...(participants ? { participants } : {}),
        primaryMetric: 'auc',
        higherIsBetter: true,
      },
    },
  }) as unknown as Benchmark;

const everyone = (login: string) => (recipientOf.has(login) ? [recipientOf.get(login) as string] : undefined);

function plainResult(): Result {
  const result = sampleResult() as unknown as Result;
  result.spec.sufficientStatistics = {
    cases: 4,
    operatingPoint: { threshold: 0.5, tp: 1, fp: 1, tn: 1, fn: 1 },
  };
  return result;
}

/** A Result whose measurements the real age CLI encrypted to ana (the digest is the plaintext's). */
function sealedForAna(measurements: { [field: string]: JsonValue }): Result {
  const text = canonicalJson(measurements);
  const sealed = run('age', ['-a', '-r', recipientOf.get('ana') as string], text);
  expect(sealed.status, sealed.stderr).toBe(0);
  const result = plainResult();
  delete result.spec.metrics;
  delete result.spec.sufficientStatistics;
  result.spec.encrypted = {
    scheme: 'age',
    recipients: ['ana'],
    ciphertext: sealed.stdout,
    measurementsSha256: createHash('sha256').update(text).digest('hex'),
  };
  return result;
}

describe('who may read a result', () => {
  it('encrypts only when sharing is stricter than full', () => {
    expect(resultsEncrypted(benchmark('aggregate'))).toBe(true);
    expect(resultsEncrypted(benchmark('per-model', 'full'))).toBe(true);
    expect(resultsEncrypted(benchmark('full'))).toBe(false);
  });

  it('the committee and the data owner; the model owner only when participants is full', () => {
    const result = { model: 'lee/bc-centroid', dataOwner: 'hospital-c' };
    const perModel = resultReaders(benchmark('per-model'), result, everyone);
    expect(perModel.logins).toEqual(['ana', 'hospital-c', 'raj']);
    const full = resultReaders(benchmark('per-model', 'full'), result, everyone);
    expect(full.logins).toEqual(['ana', 'hospital-c', 'lee', 'raj']);
    expect(describeReaders(full.readers)).toBe(
      'ana (committee), raj (committee), hospital-c (data owner), lee (model owner)',
    );
  });

  it('reports readers without a recipient, and whether the committee can read at all', () => {
    const onlyRaj = (login: string) => (login === 'raj' ? [recipientOf.get('raj') as string] : undefined);
    const some = resultReaders(benchmark('aggregate'), { model: 'lee/x', dataOwner: 'hospital-c' }, onlyRaj);
    expect(some.logins).toEqual(['raj']);
    expect(some.withoutRecipients.map((r) => r.login)).toEqual(['ana', 'hospital-c']);
    expect(some.committeeCanRead).toBe(true);
    const none = resultReaders(benchmark('aggregate'), { model: 'lee/x', dataOwner: 'hospital-c' }, () => []);
    expect(none.committeeCanRead).toBe(false);
    // Nobody could build the leaderboard from such a result: refused, saying what to do.
    expect(() => requireCommitteeReader(some, 'bc')).not.toThrow();
    expect(() => requireCommitteeReader(none, 'bc')).toThrow(
      /no committee member \(ana, raj\).*gitperf user age-key/,
    );
  });
});

describe("a Result's measurements encrypted to its readers", () => {
  it('encrypts with our code, then the real age CLI decrypts with a reader identity, and not with another', async () => {
    const readers = resultReaders(
      benchmark('per-model'),
      { model: 'lee/bc-centroid', dataOwner: 'hospital-c' },
      everyone,
    );
    const encrypted = await encryptResult(plainResult(), readers);
    expect(encrypted.spec.metrics).toBeUndefined();
    expect(encrypted.spec.sufficientStatistics).toBeUndefined();
    expect(encrypted.spec.encrypted?.recipients).toEqual(['ana', 'hospital-c', 'raj']);
    const sealed = encrypted.spec.encrypted?.ciphertext ?? '';
    const out = run('age', ['-d', '-i', identityFiles.get('hospital-c') as string], sealed);
    expect(out.status, out.stderr).toBe(0);
    const plain = JSON.parse(out.stdout);
    expect(plain.metrics.auc).toBe(0.982553);
    expect(plain.metrics.brier).toBe('NaN');
    expect(plain.sufficientStatistics.cases).toBe(4);
    // lee owns the model, but per-model participants does not show model owners their rows.
    const lee = run('age', ['-d', '-i', identityFiles.get('lee') as string], sealed);
    expect(lee.status).not.toBe(0);
    expect(lee.stderr).toMatch(/no identity matched/);
    expect(
      await readableMeasurements(encrypted, await readIdentityFile(identityFiles.get('lee') as string), 'r'),
    ).toBeUndefined();
  });

  it('decrypts with our code what the real age CLI encrypted, and checks the signed digest', async () => {
    const result = sealedForAna({ metrics: { auc: 0.75 }, nonce: 'cd'.repeat(32) });
    if (!result.spec.encrypted) throw new Error('not encrypted');
    const ana = await readIdentityFile(identityFiles.get('ana') as string);
    expect((await readableMeasurements(result, ana, 'r'))?.metrics).toEqual({ auc: 0.75 });
    // A ciphertext moved from another result (its digest differs) is refused, not shown.
    result.spec.encrypted.measurementsSha256 = 'f'.repeat(64);
    expect(await codeOf(readableMeasurements(result, ana, 'r'))).toBe('result.measurements-digest-mismatch');
  });

  it('refuses decrypted measurements beyond the schema bounds (65 metrics, fractional counts), whatever the digest', async () => {
    const ana = await readIdentityFile(identityFiles.get('ana') as string);
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`m${index}`, index / 100]));
    const wide = sealedForAna({ metrics: tooMany, nonce: 'ab'.repeat(32) });
    expect(await codeOf(readableMeasurements(wide, ana, 'r'))).toBe('result.measurements-out-of-bounds');
    const fractional = sealedForAna({
      metrics: { auc: 0.5 },
      sufficientStatistics: { cases: 10.5, operatingPoint: { threshold: 0.5, tp: 1, fp: 2, tn: 3, fn: 4 } },
      nonce: 'ab'.repeat(32),
    });
    expect(await codeOf(readableMeasurements(fractional, ana, 'r'))).toBe(
      'result.measurements-out-of-bounds',
    );
    // Counts that describe fewer cases than claimed (a hand-made ciphertext): pooling and small-cell
    // suppression trust `cases`, so they are refused once opened, as the validator refuses plain ones.
    const inflated = sealedForAna({
      metrics: { auc: 0.5 },
      sufficientStatistics: { cases: 50, operatingPoint: { threshold: 0.5, tp: 1, fp: 2, tn: 3, fn: 4 } },
      nonce: 'ab'.repeat(32),
    });
    expect(await codeOf(readableMeasurements(inflated, ana, 'r'))).toBe('result.counts-mismatch');
    const consistent = sealedForAna({
      metrics: { auc: 0.5 },
      sufficientStatistics: { cases: 10, operatingPoint: { threshold: 0.5, tp: 1, fp: 2, tn: 3, fn: 4 } },
      nonce: 'ab'.repeat(32),
    });
    expect((await readableMeasurements(consistent, ana, 'r'))?.sufficientStatistics).toMatchObject({
      cases: 10,
    });
    // Within bounds, the same path reads them.
    const fine = sealedForAna({ metrics: { auc: 0.5 }, nonce: 'ab'.repeat(32) });
    expect((await readableMeasurements(fine, ana, 'r'))?.metrics).toEqual({ auc: 0.5 });
  });

  it('signs after encrypting: the signature covers the digest, so re-encrypting keeps it valid', async () => {
    const readers = resultReaders(
      benchmark('aggregate'),
      { model: 'lee/bc-centroid', dataOwner: 'hospital-c' },
      everyone,
    );
    const key = generateEd25519KeyPair();
    const signers = allowedSignerLines([
      {
        principals: ['hospital-c/gpu-1'],
        publicKey: formatPublicKey(key.publicKey),
        namespaces: ['gitperf-result'],
      },
    ]);
    const encrypted = await encryptResult(plainResult(), readers);
    encrypted.spec.signature = signResult(encrypted, key);
    expect(verifyResultSignature({ result: encrypted, signers }).ok).toBe(true);
    // Re-encrypted to other readers (the nonce kept): the runner's signature still verifies.
    const ana = await readIdentityFile(identityFiles.get('ana') as string);
    const opened = await readableMeasurements(encrypted, ana, 'r');
    const moved = structuredClone(encrypted);
    const again = await encryptMeasurements(opened as Measurements, [recipientOf.get('ana') as string]);
    moved.spec.encrypted = { scheme: 'age', recipients: ['ana'], ...again };
    expect(verifyResultSignature({ result: moved, signers }).ok).toBe(true);
    // A changed measurement (another digest) does not.
    const changed = structuredClone(encrypted);
    const other = await encryptMeasurements({ metrics: { auc: 0.99 } }, [recipientOf.get('ana') as string]);
    changed.spec.encrypted = { scheme: 'age', recipients: ['ana'], ...other };
    expect(verifyResultSignature({ result: changed, signers }).ok).toBe(false);
    // The same measurements for the same readers, kept from the registry: the same file (no new ciphertext).
    const kept = await encryptResult(plainResult(), readers, { entity: encrypted, measurements: opened });
    expect(kept.spec.encrypted).toEqual(encrypted.spec.encrypted);
  });

  it('the identity file is private and is one the age CLI reads', async () => {
    const file = identityFiles.get('kim') as string;
    expect((await stat(file)).mode & 0o077).toBe(0);
    const sealed = run('age', ['-a', '-r', recipientOf.get('kim') as string], 'x');
    expect(run('age', ['-d', '-i', file], sealed.stdout).stdout).toBe('x');
    // Made once: asking again reuses it.
    expect((await ensureAgeIdentityFile(file)).created).toBe(false);
  });
});
