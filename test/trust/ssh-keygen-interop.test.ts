// Interoperability with the real OpenSSH ssh-keygen (openssh-client): keys, signatures and allowed-signers
// files made by either side are accepted by the other, and both refuse the same forgeries.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AllowedSigner,
  allowedSignerLines,
  formatAllowedSigners,
  parseAllowedSigners,
  verifyWithAllowedSigners,
} from '../../cli/src/trust/allowed-signers.js';
import { createKeyPairFiles, readPrivateKeyFile } from '../../cli/src/trust/key-files.js';
import { resultPayload } from '../../cli/src/trust/result-payload.js';
import { signResult, verifyResultSignature } from '../../cli/src/trust/result-signature.js';
import { formatPublicKey, parsePublicKey, publicKeyFingerprint } from '../../cli/src/trust/ssh-public-key.js';
import { signMessage } from '../../cli/src/trust/sshsig.js';
import { sampleResult } from './fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gitperf-trust-ssh-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sshKeygen(
  args: string[],
  input?: Uint8Array,
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('ssh-keygen', args, { input, encoding: 'buffer' });
  if (run.error) throw new Error(`ssh-keygen could not start (install openssh-client): ${run.error.message}`);
  return { status: run.status, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
}

/** `ssh-keygen -Y verify`; true when it accepts. */
async function sshVerifies(input: {
  signers: string;
  principal: string;
  signature: string;
  message: Uint8Array;
  namespace?: string;
  time?: string;
}): Promise<boolean> {
  const signersFile = join(dir, `allowed-${Math.random().toString(36).slice(2)}`);
  const signatureFile = `${signersFile}.sig`;
  await writeFile(signersFile, input.signers);
  await writeFile(signatureFile, input.signature);
  const args = [
    '-Y',
    'verify',
    '-f',
    signersFile,
    '-I',
    input.principal,
    '-n',
    input.namespace ?? 'gitperf-result',
  ];
  if (input.time) args.push(`-Overify-time=${input.time}`);
  const run = sshKeygen([...args, '-s', signatureFile], input.message);
  if (run.status === 0) expect(run.stdout).toMatch(/^Good "gitperf-result|^Good "/);
  return run.status === 0;
}

/** `ssh-keygen -Y sign` of `message` with the key file; the armored signature. */
async function sshSign(keyFile: string, message: Uint8Array, namespace = 'gitperf-result'): Promise<string> {
  const run = sshKeygen(['-Y', 'sign', '-f', keyFile, '-n', namespace], message);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

/** A key pair made by ssh-keygen itself (no passphrase). */
async function sshMadeKey(name: string): Promise<string> {
  const file = join(dir, name);
  const run = sshKeygen(['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@ssh-keygen`, '-f', file]);
  expect(run.status, run.stderr).toBe(0);
  return file;
}

const message = Buffer.from('{"benchmark":"bc-diagnosis"}');

describe('keys', () => {
  it('ssh-keygen reads the key files we write (0600), with the same public key and fingerprint', async () => {
    const file = join(dir, 'ours');
    const { publicKeyLine, pair } = await createKeyPairFiles(file, 'runner hospital-c/gpu-1');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const derived = sshKeygen(['-y', '-f', file]);
    expect(derived.status, derived.stderr).toBe(0);
    expect(parsePublicKey(derived.stdout).key).toEqual(pair.publicKey);
    expect((await readFile(`${file}.pub`, 'utf8')).trim()).toBe(publicKeyLine);
    const listed = sshKeygen(['-l', '-f', file]);
    expect(listed.stdout).toContain(publicKeyFingerprint(pair.publicKey));
    expect(listed.stdout).toContain('runner hospital-c/gpu-1');
  });

  it('we read the key files ssh-keygen writes', async () => {
    const file = await sshMadeKey('theirs');
    const key = await readPrivateKeyFile(file);
    const published = parsePublicKey(await readFile(`${file}.pub`, 'utf8'));
    expect(key.publicKey).toEqual(published.key);
    expect(key.comment).toBe('theirs@ssh-keygen');
    expect(published.comment).toBe('theirs@ssh-keygen');
  });

  it('we refuse a passphrase-protected ssh-keygen key with what to do', async () => {
    const file = join(dir, 'protected');
    expect(sshKeygen(['-q', '-t', 'ed25519', '-N', 'secret words', '-f', file]).status).toBe(0);
    await expect(readPrivateKeyFile(file)).rejects.toMatchObject({
      diagnostic: { code: 'trust.private-key-encrypted', file },
    });
  });
});

describe('signatures', () => {
  it('ssh-keygen -Y verify accepts our signature; we accept ssh-keygen’s, with its key and with ours', async () => {
    const ours = join(dir, 'signer-ours');
    const { publicKeyLine, pair } = await createKeyPairFiles(ours);
    const theirsFile = await sshMadeKey('signer-theirs');
    const theirsLine = (await readFile(`${theirsFile}.pub`, 'utf8')).trim();
    const signers: AllowedSigner[] = [
      { principals: ['hospital-c/gpu-1'], publicKey: publicKeyLine, namespaces: ['gitperf-result'] },
      { principals: ['hospital-c/gpu-2'], publicKey: theirsLine, namespaces: ['gitperf-result'] },
    ];
    const text = formatAllowedSigners(signers);
    const lines = parseAllowedSigners(text);

    const ourSignature = signMessage(message, pair);
    expect(
      await sshVerifies({ signers: text, principal: 'hospital-c/gpu-1', signature: ourSignature, message }),
    ).toBe(true);

    for (const [file, principal] of [
      [theirsFile, 'hospital-c/gpu-2'],
      [ours, 'hospital-c/gpu-1'],
    ] as const) {
      const signature = await sshSign(file, message);
      const verdict = verifyWithAllowedSigners({
        message,
        signature,
        signers: lines,
        principal,
        time: new Date(),
      });
      expect(verdict.ok, verdict.ok ? '' : verdict.diagnostic.message).toBe(true);
    }
  });

  it('both refuse a tampered payload, another key, and a wrong namespace', async () => {
    const { publicKeyLine, pair } = await createKeyPairFiles(join(dir, 'runner-a'));
    const { pair: otherPair } = await createKeyPairFiles(join(dir, 'runner-b'));
    const text = formatAllowedSigners([
      { principals: ['hospital-c/gpu-1'], publicKey: publicKeyLine, namespaces: ['gitperf-result'] },
    ]);
    const lines = parseAllowedSigners(text);
    const ourCheck = (signature: string, signed: Uint8Array, namespace = 'gitperf-result') =>
      verifyWithAllowedSigners({
        message: signed,
        signature,
        signers: lines,
        principal: 'hospital-c/gpu-1',
        time: new Date(),
        namespace,
      });
    const cases = [
      {
        name: 'tampered',
        signature: signMessage(message, pair),
        message: Buffer.from('{"benchmark":"other"}'),
      },
      { name: 'other key', signature: signMessage(message, otherPair), message },
      { name: 'namespace', signature: signMessage(message, pair, 'file'), message },
    ];
    for (const forgery of cases) {
      expect(
        await sshVerifies({ signers: text, principal: 'hospital-c/gpu-1', ...forgery }),
        `${forgery.name}: ssh-keygen`,
      ).toBe(false);
      const verdict = ourCheck(forgery.signature, forgery.message);
      expect(verdict.ok, `${forgery.name}: ours`).toBe(false);
    }
    // The right signature checked for another namespace is refused by both, too.
    const good = signMessage(message, pair);
    expect(
      await sshVerifies({
        signers: text,
        principal: 'hospital-c/gpu-1',
        signature: good,
        message,
        namespace: 'git',
      }),
    ).toBe(false);
    expect(ourCheck(good, message, 'git').ok).toBe(false);
    // A key allowed only for another namespace in the file: both refuse.
    const gitOnly = formatAllowedSigners([
      { principals: ['hospital-c/gpu-1'], publicKey: publicKeyLine, namespaces: ['git'] },
    ]);
    expect(
      await sshVerifies({ signers: gitOnly, principal: 'hospital-c/gpu-1', signature: good, message }),
    ).toBe(false);
    expect(
      verifyWithAllowedSigners({
        message,
        signature: good,
        signers: parseAllowedSigners(gitOnly),
        principal: 'hospital-c/gpu-1',
        time: new Date(),
      }).ok,
    ).toBe(false);
  });

  it('both honour valid-after / valid-before of a rotated key', async () => {
    const { publicKeyLine: oldLine, pair: oldPair } = await createKeyPairFiles(join(dir, 'rotated-old'));
    const { publicKeyLine: newLine, pair: newPair } = await createKeyPairFiles(join(dir, 'rotated-new'));
    const rotatedAt = new Date('2026-06-01T00:00:00Z');
    const text = formatAllowedSigners([
      {
        principals: ['hospital-c/gpu-1'],
        publicKey: oldLine,
        namespaces: ['gitperf-result'],
        validAfter: new Date('2026-01-01T00:00:00Z'),
        validBefore: rotatedAt,
      },
      {
        principals: ['hospital-c/gpu-1'],
        publicKey: newLine,
        namespaces: ['gitperf-result'],
        validAfter: rotatedAt,
      },
    ]);
    const lines = parseAllowedSigners(text);
    const moments = [
      { ssh: '20251231235959Z', iso: '2025-12-31T23:59:59Z', oldValid: false, newValid: false },
      { ssh: '20260301120000Z', iso: '2026-03-01T12:00:00Z', oldValid: true, newValid: false },
      { ssh: '20260601000000Z', iso: '2026-06-01T00:00:00Z', oldValid: true, newValid: true },
      { ssh: '20260601000001Z', iso: '2026-06-01T00:00:01Z', oldValid: false, newValid: true },
    ];
    for (const moment of moments) {
      for (const [pair, expected] of [
        [oldPair, moment.oldValid],
        [newPair, moment.newValid],
      ] as const) {
        const signature = signMessage(message, pair);
        const label = `${pair === oldPair ? 'old' : 'new'} key at ${moment.iso}`;
        expect(
          await sshVerifies({
            signers: text,
            principal: 'hospital-c/gpu-1',
            signature,
            message,
            time: moment.ssh,
          }),
          `ssh-keygen, ${label}`,
        ).toBe(expected);
        const verdict = verifyWithAllowedSigners({
          message,
          signature,
          signers: lines,
          principal: 'hospital-c/gpu-1',
          time: new Date(moment.iso),
        });
        expect(verdict.ok, `ours, ${label}`).toBe(expected);
      }
    }
  });
});

describe('result signatures with ssh-keygen', () => {
  it('ssh-keygen verifies a signed result over its canonical payload; a changed metric or hash fails', async () => {
    const { publicKeyLine, pair } = await createKeyPairFiles(join(dir, 'result-runner'));
    const signers = formatAllowedSigners([
      { principals: ['hospital-c/gpu-1'], publicKey: publicKeyLine, namespaces: ['gitperf-result'] },
    ]);
    const result = sampleResult();
    result.spec.signature = signResult(result, pair);
    const check = (payload: Uint8Array) =>
      sshVerifies({
        signers,
        principal: 'hospital-c/gpu-1',
        signature: result.spec.signature ?? '',
        message: payload,
        time: '20261130100500Z',
      });
    expect(await check(resultPayload(result))).toBe(true);
    const metric = structuredClone(result);
    metric.spec.metrics = { ...metric.spec.metrics, accuracy: 1 };
    expect(await check(resultPayload(metric))).toBe(false);
    const hash = structuredClone(result);
    hash.spec.execution.cubes[0].hashes.manifest = `sha256:${'0'.repeat(64)}`;
    expect(await check(resultPayload(hash))).toBe(false);
  });

  it('we verify a result whose payload ssh-keygen signed with an ssh-keygen key', async () => {
    const keyFile = await sshMadeKey('result-theirs');
    const result = sampleResult();
    result.spec.signature = await sshSign(keyFile, resultPayload(result));
    const signers = allowedSignerLines([
      {
        principals: ['hospital-c/gpu-1'],
        publicKey: (await readFile(`${keyFile}.pub`, 'utf8')).trim(),
        namespaces: ['gitperf-result'],
      },
    ]);
    expect(verifyResultSignature({ result, signers }).ok).toBe(true);
    const forged = structuredClone(result);
    forged.spec.execution.dataset.generatedUid = `sha256:${'3'.repeat(64)}`;
    const verdict = verifyResultSignature({ result: forged, signers });
    expect(verdict.ok ? '' : verdict.diagnostic.code).toBe('trust.signature-invalid');
    // And a key published as ssh-keygen wrote it, comment and all, is what we write back.
    expect(
      formatPublicKey(
        parsePublicKey(await readFile(`${keyFile}.pub`, 'utf8')).key,
        'result-theirs@ssh-keygen',
      ),
    ).toBe((await readFile(`${keyFile}.pub`, 'utf8')).trim());
  });
});
