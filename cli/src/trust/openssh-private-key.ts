/**
 * The OpenSSH private key file format (PROTOCOL.key, "openssh-key-v1"), unencrypted, one Ed25519 key:
 *
 *   "openssh-key-v1\0" string ciphername="none" string kdfname="none" string kdfoptions="" uint32 1
 *   string publickey-blob string private-section
 *   private-section = uint32 check uint32 check(same) string "ssh-ed25519" string pub(32)
 *                     string seed(32)||pub(32) string comment, padded 1,2,3,... to a multiple of 8
 *
 * armored as `-----BEGIN OPENSSH PRIVATE KEY-----`. This is what `ssh-keygen -t ed25519 -N ''` writes and
 * what `ssh-keygen -Y sign -f` reads. Passphrase-protected keys are refused with a message saying how to
 * use one (gitperf runs unattended on the runner, so its key is protected by the file mode instead).
 */
import { randomBytes } from 'node:crypto';
import { fail } from '../diagnostics/diagnostic.js';
import { type Ed25519KeyPair, publicKeyOfSeed } from './ed25519.js';
import { ED25519_KEY_TYPE, parsePublicKeyBlob, publicKeyBlob } from './ssh-public-key.js';
import { armor, SshReader, SshWriter, unarmor } from './ssh-wire.js';

const AUTH_MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const ARMOR_LABEL = 'OPENSSH PRIVATE KEY';
const BLOCK_SIZE = 8;
const CODE = 'trust.private-key-malformed';

export interface OpenSshPrivateKey extends Ed25519KeyPair {
  comment: string;
}

export function formatPrivateKey(pair: Ed25519KeyPair, comment = ''): string {
  const checkInt = randomBytes(4).readUInt32BE(0);
  const section = new SshWriter()
    .uint32(checkInt)
    .uint32(checkInt)
    .string(ED25519_KEY_TYPE)
    .string(pair.publicKey)
    .string(Buffer.concat([pair.seed, pair.publicKey]))
    .string(comment)
    .toBuffer();
  const paddingLength = (BLOCK_SIZE - (section.length % BLOCK_SIZE)) % BLOCK_SIZE;
  const padding = Buffer.from(Array.from({ length: paddingLength }, (_, index) => index + 1));
  const body = new SshWriter()
    .raw(AUTH_MAGIC)
    .string('none')
    .string('none')
    .string('')
    .uint32(1)
    .string(publicKeyBlob(pair.publicKey))
    .string(Buffer.concat([section, padding]))
    .toBuffer();
  return armor(ARMOR_LABEL, body);
}

/** Parses an unencrypted OpenSSH Ed25519 private key file's text; `what` names the file in messages. */
export function parsePrivateKey(text: string, what = 'the private key'): OpenSshPrivateKey {
  if (text.includes('-----BEGIN') && !text.includes(`-----BEGIN ${ARMOR_LABEL}-----`)) {
    fail(
      'trust.private-key-format',
      `${what} is not in the OpenSSH format; convert it with \`ssh-keygen -p -f FILE\` or make a new one with \`ssh-keygen -t ed25519\`.`,
    );
  }
  const body = unarmor(ARMOR_LABEL, text, what, CODE);
  const reader = new SshReader(body, what, CODE);
  const magic = reader.raw(AUTH_MAGIC.length, 'the "openssh-key-v1" magic');
  if (!magic.equals(AUTH_MAGIC)) reader.fail('it does not start with the "openssh-key-v1" magic.');
  const cipherName = reader.text('the cipher name');
  const kdfName = reader.text('the KDF name');
  reader.string('the KDF options');
  if (cipherName !== 'none' || kdfName !== 'none') {
    fail(
      'trust.private-key-encrypted',
      `${what} is protected by a passphrase (cipher ${cipherName}); gitperf needs an unencrypted key file readable only by its owner (mode 0600). Remove the passphrase with \`ssh-keygen -p -N '' -f FILE\` on the runner.`,
    );
  }
  const keyCount = reader.uint32('the number of keys');
  if (keyCount !== 1) reader.fail(`it holds ${keyCount} keys; exactly one is supported.`);
  const publicKey = parsePublicKeyBlob(reader.string('the public key'), `the public key in ${what}`, CODE);
  const section = reader.string('the private section');
  reader.end();

  if (section.length % BLOCK_SIZE !== 0) reader.fail('the private section is not padded to 8 bytes.');
  const inner = new SshReader(section, `the private section of ${what}`, CODE);
  if (inner.uint32('the first check number') !== inner.uint32('the second check number')) {
    inner.fail('its check numbers differ (a corrupted or wrongly decrypted key).');
  }
  const keyType = inner.text('the key type');
  if (keyType !== ED25519_KEY_TYPE) {
    fail(
      'trust.public-key-type',
      `${what} holds a "${keyType}" key; gitperf uses ${ED25519_KEY_TYPE} keys only.`,
    );
  }
  const innerPublic = inner.string('the public key');
  const secret = inner.string('the private key');
  const comment = inner.text('the comment');
  const padding = inner.raw(inner.remaining, 'the padding');
  if (!padding.every((byte, index) => byte === index + 1)) inner.fail('its padding is not 1, 2, 3, ...');
  if (secret.length !== 64) inner.fail(`the Ed25519 private key has ${secret.length} bytes, not 64.`);
  const seed = secret.subarray(0, 32);
  if (
    !innerPublic.equals(publicKey) ||
    !secret.subarray(32).equals(publicKey) ||
    !publicKeyOfSeed(seed).equals(publicKey)
  ) {
    inner.fail('its public and private halves do not belong together.');
  }
  return { publicKey, seed: Buffer.from(seed), comment };
}
