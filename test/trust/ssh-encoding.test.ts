// The SSH encoders and decoders on their own: round trips, and hostile input (bad base64, truncated buffers,
// wrong magic, wrong types, trailing bytes) always gives a trust.* diagnostic, never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GitperfError } from '../../cli/src/diagnostics/diagnostic.js';
import { generateEd25519KeyPair, publicKeyOfSeed } from '../../cli/src/trust/ed25519.js';
import { formatPrivateKey, parsePrivateKey } from '../../cli/src/trust/openssh-private-key.js';
import {
  formatPublicKey,
  parsePublicKey,
  parsePublicKeyBlob,
  publicKeyBlob,
} from '../../cli/src/trust/ssh-public-key.js';
import { armor, decodeBase64Strict, SshReader, SshWriter, unarmor } from '../../cli/src/trust/ssh-wire.js';
import { checkSignature, parseSignature, signMessage } from '../../cli/src/trust/sshsig.js';

/** The code of the GitperfError `action` throws; anything else (a TypeError, RangeError, no error) fails. */
function thrownCode(action: () => unknown): string {
  try {
    action();
  } catch (problem) {
    if (problem instanceof GitperfError) return problem.diagnostic.code;
    throw problem;
  }
  throw new Error('expected a GitperfError');
}

function armoredBody(text: string, label: string): Buffer {
  return unarmor(label, text, 'test', 'test.malformed');
}

describe('SSH wire encoding', () => {
  it('round-trips uint32 and strings', () => {
    const bytes = new SshWriter()
      .uint32(7)
      .string('ssh-ed25519')
      .string(Buffer.from([1, 2, 3]))
      .toBuffer();
    const reader = new SshReader(bytes, 'the buffer', 'test.malformed');
    expect(reader.uint32('n')).toBe(7);
    expect(reader.text('type')).toBe('ssh-ed25519');
    expect([...reader.string('data')]).toEqual([1, 2, 3]);
    reader.end();
  });

  it('refuses a length that runs past the end, and trailing bytes', () => {
    const declaresTooMuch = Buffer.from([0, 0, 0, 200, 1, 2]);
    expect(thrownCode(() => new SshReader(declaresTooMuch, 'x', 'test.malformed').string('field'))).toBe(
      'test.malformed',
    );
    expect(thrownCode(() => new SshReader(Buffer.from([0, 0]), 'x', 'test.malformed').uint32('n'))).toBe(
      'test.malformed',
    );
    const trailing = new SshReader(Buffer.from([0, 0, 0, 0, 9]), 'x', 'test.malformed');
    trailing.string('empty');
    expect(thrownCode(() => trailing.end())).toBe('test.malformed');
    const huge = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    expect(thrownCode(() => new SshReader(huge, 'x', 'test.malformed').string('field'))).toBe(
      'test.malformed',
    );
  });

  it('accepts only strict base64', () => {
    expect(decodeBase64Strict('AAEC')).toEqual(Buffer.from([0, 1, 2]));
    for (const bad of ['', 'A', 'AA!A', 'AAE C', 'AAEC====', 'AAEC=A'])
      expect(decodeBase64Strict(bad)).toBeUndefined();
  });

  it('armors at 70 columns and unarmors CRLF text', () => {
    const bytes = Buffer.alloc(200, 7);
    const text = armor('SSH SIGNATURE', bytes);
    expect(
      text
        .split('\n')
        .slice(1, -2)
        .every((line) => line.length <= 70),
    ).toBe(true);
    expect(armoredBody(text.replace(/\n/g, '\r\n'), 'SSH SIGNATURE')).toEqual(bytes);
    expect(thrownCode(() => armoredBody(text.replace('BEGIN', 'BEGAN'), 'SSH SIGNATURE'))).toBe(
      'test.malformed',
    );
    expect(thrownCode(() => armoredBody(text.replace(/\n-----END.*/, ''), 'SSH SIGNATURE'))).toBe(
      'test.malformed',
    );
    expect(thrownCode(() => armoredBody(text.replace('BwcH', 'Bw*H'), 'SSH SIGNATURE'))).toBe(
      'test.malformed',
    );
  });
});

describe('OpenSSH public keys', () => {
  const pair = generateEd25519KeyPair();

  it('formats and parses the one-line form with its comment', () => {
    const line = formatPublicKey(pair.publicKey, 'runner hospital-c/gpu-1');
    expect(line).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} runner hospital-c\/gpu-1$/);
    const parsed = parsePublicKey(`  ${line}\n`);
    expect(parsed.key).toEqual(pair.publicKey);
    expect(parsed.comment).toBe('runner hospital-c/gpu-1');
    expect(parsePublicKey(formatPublicKey(pair.publicKey)).comment).toBe('');
  });

  it('refuses other key types, bad base64, truncated and mismatched blobs', () => {
    const blob = publicKeyBlob(pair.publicKey).toString('base64');
    expect(thrownCode(() => parsePublicKey(`ssh-rsa ${blob}`))).toBe('trust.public-key-type');
    expect(thrownCode(() => parsePublicKey('ssh-ed25519 AAAA$$$$'))).toBe('trust.public-key-malformed');
    expect(thrownCode(() => parsePublicKey('ssh-ed25519'))).toBe('trust.public-key-malformed');
    expect(thrownCode(() => parsePublicKey(''))).toBe('trust.public-key-malformed');
    const truncated = publicKeyBlob(pair.publicKey).subarray(0, 30).toString('base64');
    expect(thrownCode(() => parsePublicKey(`ssh-ed25519 ${truncated}`))).toBe('trust.public-key-malformed');
    const rsaInside = new SshWriter().string('ssh-rsa').string(pair.publicKey).toBuffer().toString('base64');
    expect(thrownCode(() => parsePublicKey(`ssh-ed25519 ${rsaInside}`))).toBe('trust.public-key-malformed');
    const shortKey = new SshWriter().string('ssh-ed25519').string(Buffer.alloc(31)).toBuffer();
    expect(thrownCode(() => parsePublicKeyBlob(shortKey, 'x'))).toBe('trust.public-key-malformed');
    expect(thrownCode(() => formatPublicKey(pair.publicKey, 'two\nlines'))).toBe('trust.public-key-comment');
  });
});

describe('OpenSSH private key files', () => {
  const pair = generateEd25519KeyPair();
  const text = formatPrivateKey(pair, 'gitperf runner');

  it('round-trips and derives the same public key', () => {
    expect(text.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----\n')).toBe(true);
    const parsed = parsePrivateKey(text);
    expect(parsed.publicKey).toEqual(pair.publicKey);
    expect(parsed.seed).toEqual(pair.seed);
    expect(parsed.comment).toBe('gitperf runner');
    expect(publicKeyOfSeed(parsed.seed)).toEqual(pair.publicKey);
  });

  function rearmor(body: Buffer): string {
    return armor('OPENSSH PRIVATE KEY', body);
  }
  const body = armoredBody(text, 'OPENSSH PRIVATE KEY');

  it('refuses wrong magic, truncation, trailing bytes and other PEM formats', () => {
    const wrongMagic = Buffer.from(body);
    wrongMagic.write('openssh-key-v2', 0, 'latin1');
    expect(thrownCode(() => parsePrivateKey(rearmor(wrongMagic)))).toBe('trust.private-key-malformed');
    for (const length of [0, 10, 20, 60, body.length - 1]) {
      expect(thrownCode(() => parsePrivateKey(rearmor(body.subarray(0, length))))).toBe(
        'trust.private-key-malformed',
      );
    }
    expect(thrownCode(() => parsePrivateKey(rearmor(Buffer.concat([body, Buffer.from([0])]))))).toBe(
      'trust.private-key-malformed',
    );
    expect(
      thrownCode(() => parsePrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')),
    ).toBe('trust.private-key-format');
    expect(thrownCode(() => parsePrivateKey('not a key'))).toBe('trust.private-key-malformed');
  });

  it('refuses a passphrase-protected key with what to do', () => {
    // Same layout with cipher "aes256-ctr" and kdf "bcrypt", as ssh-keygen writes with a passphrase.
    const encrypted = new SshWriter()
      .raw(Buffer.from('openssh-key-v1\0', 'latin1'))
      .string('aes256-ctr')
      .string('bcrypt')
      .string(new SshWriter().string(Buffer.alloc(16)).uint32(16).toBuffer())
      .uint32(1)
      .string(publicKeyBlob(pair.publicKey))
      .string(Buffer.alloc(64))
      .toBuffer();
    let message = '';
    try {
      parsePrivateKey(rearmor(encrypted));
    } catch (problem) {
      expect(problem).toBeInstanceOf(GitperfError);
      expect((problem as GitperfError).diagnostic.code).toBe('trust.private-key-encrypted');
      message = (problem as GitperfError).message;
    }
    expect(message).toContain("ssh-keygen -p -N ''");
  });

  it('refuses mismatched halves and differing check numbers', () => {
    const other = generateEd25519KeyPair();
    const mixed = formatPrivateKey({ publicKey: pair.publicKey, seed: other.seed });
    expect(thrownCode(() => parsePrivateKey(mixed))).toBe('trust.private-key-malformed');
    // The check numbers sit at the start of the private section, the last string of the body.
    const corrupted = Buffer.from(body);
    corrupted[findSection(corrupted) + 4] ^= 0xff;
    expect(thrownCode(() => parsePrivateKey(rearmor(corrupted)))).toBe('trust.private-key-malformed');
  });
});

/** Offset of the private section's length field: after magic, 3 strings, uint32 and the public key string. */
function findSection(body: Buffer): number {
  const reader = new SshReader(body, 'x', 'x');
  reader.raw(15, 'magic');
  reader.string('cipher');
  reader.string('kdf');
  reader.string('kdf options');
  reader.uint32('count');
  reader.string('public key');
  return body.length - reader.remaining;
}

describe('SSHSIG', () => {
  const pair = generateEd25519KeyPair();
  const message = Buffer.from('{"format":"gitperf-result/1"}');
  const signature = signMessage(message, pair);

  it('signs and verifies, and binds message, key and namespace', () => {
    expect(signature.startsWith('-----BEGIN SSH SIGNATURE-----\n')).toBe(true);
    const parsed = parseSignature(signature);
    expect(parsed).toMatchObject({ namespace: 'gitperf-result', hashAlgorithm: 'sha512' });
    expect(parsed.publicKey).toEqual(pair.publicKey);
    expect(checkSignature(message, signature).ok).toBe(true);
    const tampered = checkSignature(Buffer.from('{"format":"gitperf-result/2"}'), signature);
    expect(tampered.ok ? '' : tampered.diagnostic.code).toBe('trust.signature-invalid');
    const otherNamespace = checkSignature(message, signature, 'file');
    expect(otherNamespace.ok ? '' : otherNamespace.diagnostic.code).toBe('trust.signature-namespace');
  });

  it('reports malformed signatures as diagnostics, never throwing', () => {
    const blob = armoredBody(signature, 'SSH SIGNATURE');
    const wrongMagic = Buffer.from(blob);
    wrongMagic.write('SSHSIX', 0, 'latin1');
    const wrongVersion = Buffer.from(blob);
    wrongVersion.writeUInt32BE(2, 6);
    const cases = [
      'garbage',
      signature.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!'),
      armor('SSH SIGNATURE', wrongMagic),
      armor('SSH SIGNATURE', wrongVersion),
      armor('SSH SIGNATURE', Buffer.concat([blob, Buffer.from([1])])),
      ...[0, 5, 9, 40, 80, blob.length - 1].map((length) => armor('SSH SIGNATURE', blob.subarray(0, length))),
    ];
    for (const text of cases) {
      const checked = checkSignature(message, text);
      expect(checked.ok).toBe(false);
      if (!checked.ok) {
        expect(checked.diagnostic.code).toBe('trust.signature-malformed');
        expect(checked.diagnostic.message).toMatch(/SSH signature/);
      }
    }
  });

  it('flipping any signature byte never verifies', () => {
    const blob = armoredBody(signature, 'SSH SIGNATURE');
    for (let index = 0; index < blob.length; index += 7) {
      const flipped = Buffer.from(blob);
      flipped[index] ^= 0x01;
      expect(checkSignature(message, armor('SSH SIGNATURE', flipped)).ok).toBe(false);
    }
  });
});

describe('hostile bytes (property)', () => {
  it('any armored bytes give a trust.* diagnostic or a valid parse, never another error', () => {
    const signatureBlob = armoredBody(
      signMessage(Buffer.from('m'), generateEd25519KeyPair()),
      'SSH SIGNATURE',
    );
    const keyBody = armoredBody(formatPrivateKey(generateEd25519KeyPair()), 'OPENSSH PRIVATE KEY');
    const mutate = (base: Buffer) =>
      fc
        .tuple(
          fc.nat({ max: base.length }),
          fc.nat({ max: base.length - 1 }),
          fc.integer({ min: 0, max: 255 }),
        )
        .map(([cut, at, value]) => {
          const copy = Buffer.from(base);
          copy[at] = value;
          return copy.subarray(0, cut);
        });
    const parsesOrDiagnoses = (action: () => unknown) => {
      try {
        action();
      } catch (problem) {
        expect(problem).toBeInstanceOf(GitperfError);
        expect((problem as GitperfError).diagnostic.code).toMatch(/^trust\./);
      }
    };
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutate(signatureBlob)), (bytes) => {
        parsesOrDiagnoses(() => parseSignature(armor('SSH SIGNATURE', bytes)));
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutate(keyBody)), (bytes) => {
        parsesOrDiagnoses(() => parsePrivateKey(armor('OPENSSH PRIVATE KEY', bytes)));
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        parsesOrDiagnoses(() => parsePublicKey(text));
      }),
    );
  });
});
