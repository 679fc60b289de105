/**
 * OpenSSH public keys for Ed25519: the wire blob (`string "ssh-ed25519" || string key`), the one-line text
 * form `ssh-ed25519 AAAA... comment` (authorized_keys, *.pub, allowed_signers, Runner.spec.publicKey) and
 * the SHA256 fingerprint `ssh-keygen -l` prints.
 */
import { createHash } from 'node:crypto';
import { fail } from '../diagnostics/diagnostic.js';
import { decodeBase64Strict, SshReader, SshWriter } from './ssh-wire.js';

export const ED25519_KEY_TYPE = 'ssh-ed25519';

export interface SshPublicKey {
  /** The 32-byte Ed25519 public key. */
  key: Buffer;
  /** The text after the key on its line ('' when none). */
  comment: string;
}

/** The wire blob of an Ed25519 public key. */
export function publicKeyBlob(key: Uint8Array): Buffer {
  return new SshWriter().string(ED25519_KEY_TYPE).string(key).toBuffer();
}

/** Parses a wire blob; `what` names where it came from. Only Ed25519 is accepted. */
export function parsePublicKeyBlob(
  blob: Uint8Array,
  what: string,
  errorCode = 'trust.public-key-malformed',
): Buffer {
  const reader = new SshReader(blob, what, errorCode);
  const keyType = reader.text('the key type');
  if (keyType !== ED25519_KEY_TYPE) {
    reader.fail(`key type "${keyType}" is not supported; gitperf uses ${ED25519_KEY_TYPE} keys only.`);
  }
  const key = reader.string('the Ed25519 public key');
  if (key.length !== 32) reader.fail(`the Ed25519 public key has ${key.length} bytes, not 32.`);
  reader.end();
  return key;
}

/** `ssh-ed25519 AAAA... comment` (no trailing newline; no comment when it is empty). */
export function formatPublicKey(key: Uint8Array, comment = ''): string {
  if (/[\r\n]/.test(comment))
    fail('trust.public-key-comment', 'A public key comment cannot contain a line break.');
  const line = `${ED25519_KEY_TYPE} ${publicKeyBlob(key).toString('base64')}`;
  return comment ? `${line} ${comment}` : line;
}

/**
 * Parses the one-line form. The key type word must match the type inside the blob (as OpenSSH checks).
 * `what` names the source in messages, e.g. "the public key of runner hospital-a/gpu-1".
 */
export function parsePublicKey(line: string, what = 'the public key'): SshPublicKey {
  const trimmed = line.trim();
  const match = /^(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(trimmed);
  if (!match) {
    fail(
      'trust.public-key-malformed',
      `${what} is not an OpenSSH public key line ("${ED25519_KEY_TYPE} AAAA... comment").`,
    );
  }
  const [, keyType, encoded, comment = ''] = match;
  if (keyType !== ED25519_KEY_TYPE) {
    fail(
      'trust.public-key-type',
      `${what} is a "${keyType}" key; gitperf uses ${ED25519_KEY_TYPE} keys only (ssh-keygen -t ed25519).`,
    );
  }
  const blob = decodeBase64Strict(encoded);
  if (!blob) fail('trust.public-key-malformed', `${what}: the key is not valid base64.`);
  return { key: parsePublicKeyBlob(blob, what), comment: comment.trim() };
}

/** `SHA256:<unpadded base64>` of the blob, as `ssh-keygen -l` prints it. */
export function publicKeyFingerprint(key: Uint8Array): string {
  const digest = createHash('sha256').update(publicKeyBlob(key)).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}
