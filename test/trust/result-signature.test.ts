// Signing a result and verifying it against allowed signers in-process: what is refused and why, key
// rotation with validity dates, and the allowed-signers file format itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedSignerLines,
  formatAllowedSigners,
  formatSshTime,
  matchPatternList,
  parseAllowedSigners,
  parseSshTime,
} from '../../cli/src/trust/allowed-signers.js';
import { generateEd25519KeyPair } from '../../cli/src/trust/ed25519.js';
import { resultPayload, signedFields } from '../../cli/src/trust/result-payload.js';
import { signResult, verifyResultSignature } from '../../cli/src/trust/result-signature.js';
import { formatPublicKey } from '../../cli/src/trust/ssh-public-key.js';
import { signMessage } from '../../cli/src/trust/sshsig.js';
import { codeOf, sampleResult } from './fixtures.js';

const runnerKey = generateEd25519KeyPair();
const otherRunnerKey = generateEd25519KeyPair();
const signers = allowedSignerLines([
  {
    principals: ['hospital-c/gpu-1'],
    publicKey: formatPublicKey(runnerKey.publicKey),
    namespaces: ['gitperf-result'],
  },
  {
    principals: ['hospital-a/gpu-1'],
    publicKey: formatPublicKey(otherRunnerKey.publicKey),
    namespaces: ['gitperf-result'],
  },
]);

function verdictCode(result: ReturnType<typeof sampleResult>, lines = signers): string {
  const verdict = verifyResultSignature({ result, signers: lines });
  return verdict.ok ? 'ok' : verdict.diagnostic.code;
}

function signed(key = runnerKey): ReturnType<typeof sampleResult> {
  const result = sampleResult();
  result.spec.signature = signResult(result, key);
  return result;
}

describe('result signatures', () => {
  it('accepts the runner’s own signature and names the signer', () => {
    const verdict = verifyResultSignature({ result: signed(), signers });
    expect(verdict.ok).toBe(true);
    if (verdict.ok) {
      expect(verdict.principal).toBe('hospital-c/gpu-1');
      expect(verdict.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(verdict.line).toBe(1);
    }
  });

  it('refuses a changed metric, a changed hash, a changed dataset uid', () => {
    const metric = signed();
    metric.spec.metrics = { ...metric.spec.metrics, accuracy: 0.999 };
    expect(verdictCode(metric)).toBe('trust.signature-invalid');
    const hash = signed();
    hash.spec.execution.cubes[1].hashes.manifest = `sha256:${'0'.repeat(64)}`;
    expect(verdictCode(hash)).toBe('trust.signature-invalid');
    const uid = signed();
    uid.spec.execution.dataset.generatedUid = `sha256:${'2'.repeat(64)}`;
    expect(verdictCode(uid)).toBe('trust.signature-invalid');
  });

  it('refuses a signature by another runner’s key, even a registered one', () => {
    expect(verdictCode(signed(otherRunnerKey))).toBe('trust.signer-unknown');
    expect(verdictCode(signed(generateEd25519KeyPair()))).toBe('trust.signer-unknown');
    // Claiming the other runner does not help: the payload names the runner, so the signature breaks.
    const claimed = signed(otherRunnerKey);
    claimed.spec.execution.runnerRef = 'hospital-a/gpu-1';
    expect(verdictCode(claimed)).toBe('trust.signature-invalid');
  });

  it('refuses another namespace, an unsigned result and one without a runner', () => {
    const result = sampleResult();
    result.spec.signature = signMessage(resultPayload(result), runnerKey, 'file');
    expect(verdictCode(result)).toBe('trust.signature-namespace');
    expect(verdictCode(sampleResult())).toBe('trust.unsigned');
    const noRunner = signed();
    noRunner.spec.execution.runnerRef = undefined;
    expect(verdictCode(noRunner)).toBe('trust.signature-no-runner');
    const garbage = sampleResult();
    garbage.spec.signature = 'not a signature';
    expect(verdictCode(garbage)).toBe('trust.signature-malformed');
  });

  it('verifies the signed fields alone (what a verifier thread is sent) exactly as the whole result', () => {
    const metric = signed();
    metric.spec.metrics = { ...metric.spec.metrics, accuracy: 0.999 };
    const encrypted = sampleResult();
    encrypted.spec.metrics = undefined;
    encrypted.spec.encrypted = {
      scheme: 'age',
      recipients: ['age1qqqq'],
      ciphertext: '-----BEGIN AGE ENCRYPTED FILE-----\n...\n-----END AGE ENCRYPTED FILE-----\n',
      measurementsSha256: 'a'.repeat(64),
    };
    encrypted.spec.signature = signResult(encrypted, runnerKey);
    const noRunner = signed();
    noRunner.spec.execution.runnerRef = undefined;
    const cases = [signed(), metric, encrypted, signed(otherRunnerKey), sampleResult(), noRunner];
    expect(verdictCode(encrypted)).toBe('ok');
    for (const result of cases) {
      const whole = verifyResultSignature({ result, signers });
      const fields = signedFields(result);
      expect(fields.metadata).toEqual({ owner: result.metadata.owner });
      expect(JSON.stringify(fields)).not.toContain('AGE ENCRYPTED');
      expect(verifyResultSignature({ result: fields, signers })).toEqual(whole);
    }
  });

  it('refuses a key whose allowed-signers line excludes the namespace', () => {
    const lines = allowedSignerLines([
      {
        principals: ['hospital-c/gpu-1'],
        publicKey: formatPublicKey(runnerKey.publicKey),
        namespaces: ['git'],
      },
    ]);
    expect(verdictCode(signed(), lines)).toBe('trust.signer-namespace');
  });

  it('picks the key valid at the result’s finishedAt after a rotation', () => {
    const newKey = generateEd25519KeyPair();
    const rotatedAt = new Date('2026-11-30T12:00:00Z');
    const rotated = allowedSignerLines([
      {
        principals: ['hospital-c/gpu-1'],
        publicKey: formatPublicKey(runnerKey.publicKey),
        namespaces: ['gitperf-result'],
        validBefore: rotatedAt,
      },
      {
        principals: ['hospital-c/gpu-1'],
        publicKey: formatPublicKey(newKey.publicKey),
        namespaces: ['gitperf-result'],
        validAfter: rotatedAt,
      },
    ]);
    // The sample finished at 10:05, before the rotation: the old key verifies it, the new one may not.
    expect(verdictCode(signed(runnerKey), rotated)).toBe('ok');
    expect(verdictCode(signed(newKey), rotated)).toBe('trust.signer-not-yet-valid');
    const later = (key: typeof runnerKey) => {
      const result = sampleResult();
      result.spec.execution.finishedAt = '2026-12-01T08:00:00Z';
      result.spec.signature = signResult(result, key);
      return result;
    };
    expect(verdictCode(later(newKey), rotated)).toBe('ok');
    expect(verdictCode(later(runnerKey), rotated)).toBe('trust.signer-expired');
  });
});

describe('allowed-signers files', () => {
  const key = formatPublicKey(runnerKey.publicKey, 'runner hospital-c/gpu-1');

  it('writes ssh-keygen’s format: principals, options, key, comment', () => {
    const text = formatAllowedSigners([
      {
        principals: ['hospital-c/gpu-1'],
        publicKey: key,
        namespaces: ['gitperf-result'],
        validAfter: new Date('2026-01-02T03:04:05.678Z'),
        validBefore: new Date('2027-01-01T00:00:00Z'),
      },
      { principals: ['a/b', 'c/d'], publicKey: key, comment: 'two principals' },
    ]);
    const [first, second] = text.split('\n');
    expect(first).toBe(
      `hospital-c/gpu-1 namespaces="gitperf-result",valid-after="20260102030405Z",valid-before="20270101000000Z" ${key}`,
    );
    expect(second).toBe(`a/b,c/d ${formatPublicKey(runnerKey.publicKey)} two principals`);
    const parsed = parseAllowedSigners(text);
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({
      line: 1,
      principals: 'hospital-c/gpu-1',
      namespaces: 'gitperf-result',
      validAfterSeconds: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000,
      validBeforeSeconds: Date.UTC(2027, 0, 1) / 1000,
      keyType: 'ssh-ed25519',
    });
  });

  it('reads comments, quoted principals, other key types and cert-authority lines', () => {
    const text = [
      '# runners of hospital-c',
      '',
      `"hospital-c/gpu-1" cert-authority,namespaces="a,b" ${formatPublicKey(runnerKey.publicKey)}`,
      'someone@example.org ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== rsa key',
    ].join('\r\n');
    const parsed = parseAllowedSigners(text, 'allowed_signers');
    expect(parsed.map((line) => [line.line, line.principals, line.certAuthority, line.keyType])).toEqual([
      [3, 'hospital-c/gpu-1', true, 'ssh-ed25519'],
      [4, 'someone@example.org', false, 'ssh-rsa'],
    ]);
    expect(parsed[0].namespaces).toBe('a,b');
  });

  it('refuses malformed lines naming the file and line', async () => {
    const bad = [
      'only-a-principal',
      'p "unbalanced ssh-ed25519 AAAA',
      'p namespaces=unquoted ssh-ed25519 AAAAC3NzaC1lZDI1NTE5',
      'p valid-after="2026-01-01" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5',
      'p unknown-option ssh-ed25519 AAAAC3NzaC1lZDI1NTE5',
      'p ssh-ed25519 not*base64',
    ];
    for (const line of bad) {
      const problem = await Promise.resolve()
        .then(() => parseAllowedSigners(`# first\n${line}\n`, 'allowed_signers'))
        .then(
          () => undefined,
          (caught) => caught,
        );
      expect(problem?.diagnostic).toMatchObject({
        code: 'trust.allowed-signers',
        file: 'allowed_signers',
        line: 2,
      });
    }
    expect(
      await codeOf(
        Promise.resolve().then(() => formatAllowedSigners([{ principals: ['a b'], publicKey: key }])),
      ),
    ).toBe('trust.allowed-signers');
    expect(
      await codeOf(Promise.resolve().then(() => formatAllowedSigners([{ principals: [], publicKey: key }]))),
    ).toBe('trust.allowed-signers');
  });

  it('reads ssh-keygen times and pattern lists', () => {
    expect(parseSshTime('20260102Z')).toBe(Date.UTC(2026, 0, 2) / 1000);
    expect(parseSshTime('202601020304Z')).toBe(Date.UTC(2026, 0, 2, 3, 4) / 1000);
    expect(parseSshTime('20260102030405Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000);
    for (const bad of ['2026', '20261302Z', '20260230Z', '20260102256000Z', '2026010203Z', 'x']) {
      expect(parseSshTime(bad)).toBeUndefined();
    }
    expect(formatSshTime(new Date('2026-12-02T06:45:17.999Z'))).toBe('20261202064517Z');
    expect(matchPatternList('hospital-c/gpu-1', 'hospital-c/*')).toBe(true);
    expect(matchPatternList('hospital-c/gpu-1', 'hospital-?/gpu-1,!hospital-c/*')).toBe(false);
    expect(matchPatternList('gitperf-result', 'git,file')).toBe(false);
    expect(matchPatternList('a.b', 'a?b')).toBe(true);
    expect(matchPatternList('axb', 'a.b')).toBe(false);
  });
});

describe('hostile allowed-signers text (property)', () => {
  it('parses or gives trust.allowed-signers with a line, never another error', () => {
    const line = fc.array(
      fc.oneof(
        fc.constantFrom(
          'p',
          '"q r"',
          'namespaces="a,b"',
          'valid-after="20260101Z"',
          'ssh-ed25519',
          'AAAA',
          '#',
          ',',
        ),
        fc.string({ maxLength: 12 }),
      ),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(
        fc.array(
          line.map((words) => words.join(' ')),
          { maxLength: 4 },
        ),
        (lines) => {
          try {
            parseAllowedSigners(lines.join('\n'), 'allowed_signers');
          } catch (problem) {
            expect((problem as { diagnostic?: { code: string; line?: number } }).diagnostic).toMatchObject({
              code: 'trust.allowed-signers',
              line: expect.any(Number),
            });
          }
        },
      ),
    );
  });
});
