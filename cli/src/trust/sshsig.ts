/**
 * SSH signatures (OpenSSH PROTOCOL.sshsig), Ed25519 only, hash sha512:
 *
 *   signed data = "SSHSIG" string namespace string reserved="" string "sha512" string SHA512(message)
 *   blob        = "SSHSIG" uint32 1 string publickey string namespace string reserved=""
 *                 string "sha512" string (string "ssh-ed25519" string sig64)
 *
 * armored as `-----BEGIN SSH SIGNATURE-----`: exactly what `ssh-keygen -Y sign -n NS` writes and
 * `ssh-keygen -Y verify` checks. sha256 signatures (which ssh-keygen also accepts) are verified too.
 */
import { createHash, sign, verify } from 'node:crypto';
import { type Diagnostic, error, fail, GitperfError } from '../diagnostics/diagnostic.js';
import { privateKeyObject, publicKeyObject } from './ed25519.js';
import { ED25519_KEY_TYPE, parsePublicKeyBlob, publicKeyBlob } from './ssh-public-key.js';
import { armor, SshReader, SshWriter, unarmor } from './ssh-wire.js';

/** The namespace every gitperf result signature uses (`ssh-keygen -n gitperf-result`). */
export const RESULT_NAMESPACE = 'gitperf-result';

const MAGIC = Buffer.from('SSHSIG', 'latin1');
const VERSION = 1;
const ARMOR_LABEL = 'SSH SIGNATURE';
const CODE = 'trust.signature-malformed';
const HASHES = new Set(['sha512', 'sha256']);

export interface SshSignature {
  /** The signer's 32-byte Ed25519 public key, as embedded in the signature. */
  publicKey: Buffer;
  namespace: string;
  hashAlgorithm: 'sha512' | 'sha256';
  /** The 64-byte Ed25519 signature over the signed data. */
  signature: Buffer;
}

function signedData(namespace: string, hashAlgorithm: string, message: Uint8Array): Buffer {
  const digest = createHash(hashAlgorithm).update(message).digest();
  return Buffer.concat([
    signedDataPrefix(namespace, hashAlgorithm),
    new SshWriter().string(digest).toBuffer(),
  ]);
}

// The fields before the digest depend on the namespace and hash only: built once each (a registry's
// validation builds the signed data of thousands of signatures).
const prefixes = new Map<string, Buffer>();
function signedDataPrefix(namespace: string, hashAlgorithm: string): Buffer {
  const key = `${hashAlgorithm}\0${namespace}`;
  let prefix = prefixes.get(key);
  if (!prefix) {
    prefix = new SshWriter().raw(MAGIC).string(namespace).string('').string(hashAlgorithm).toBuffer();
    if (prefixes.size >= 64) prefixes.clear();
    prefixes.set(key, prefix);
  }
  return prefix;
}

function checkNamespace(namespace: string): void {
  if (namespace.length === 0)
    fail('trust.signature-namespace', 'An SSH signature needs a non-empty namespace.');
}

/** Signs `message` with the Ed25519 key (seed + public key); returns the armored signature. */
export function signMessage(
  message: Uint8Array,
  key: { seed: Uint8Array; publicKey: Uint8Array },
  namespace: string = RESULT_NAMESPACE,
): string {
  checkNamespace(namespace);
  const signature = sign(null, signedData(namespace, 'sha512', message), privateKeyObject(key.seed));
  const blob = new SshWriter()
    .raw(MAGIC)
    .uint32(VERSION)
    .string(publicKeyBlob(key.publicKey))
    .string(namespace)
    .string('')
    .string('sha512')
    .string(new SshWriter().string(ED25519_KEY_TYPE).string(signature).toBuffer())
    .toBuffer();
  return armor(ARMOR_LABEL, blob);
}

/** Parses an armored SSH signature (no cryptography yet); throws a `trust.*` GitperfError when malformed. */
export function parseSignature(armored: string, what = 'the SSH signature'): SshSignature {
  const blob = unarmor(ARMOR_LABEL, armored, what, CODE);
  const reader = new SshReader(blob, what, CODE);
  if (!reader.raw(MAGIC.length, 'the "SSHSIG" magic').equals(MAGIC)) {
    reader.fail('it does not start with the "SSHSIG" magic.');
  }
  const version = reader.uint32('the version');
  if (version !== VERSION) reader.fail(`version ${version} is not supported (only ${VERSION}).`);
  const publicKey = parsePublicKeyBlob(reader.string('the public key'), `the public key in ${what}`, CODE);
  const namespace = reader.text('the namespace');
  reader.string('the reserved field');
  const hashAlgorithm = reader.text('the hash algorithm');
  if (!HASHES.has(hashAlgorithm)) reader.fail(`hash algorithm "${hashAlgorithm}" is not sha512 or sha256.`);
  const inner = new SshReader(reader.string('the signature'), `the signature in ${what}`, CODE);
  reader.end();
  const signatureType = inner.text('the signature type');
  if (signatureType !== ED25519_KEY_TYPE)
    inner.fail(`signature type "${signatureType}" is not ${ED25519_KEY_TYPE}.`);
  const signature = inner.string('the Ed25519 signature');
  if (signature.length !== 64) inner.fail(`the Ed25519 signature has ${signature.length} bytes, not 64.`);
  inner.end();
  return { publicKey, namespace, hashAlgorithm: hashAlgorithm as SshSignature['hashAlgorithm'], signature };
}

export type SignatureCheck = { ok: true; signature: SshSignature } | { ok: false; diagnostic: Diagnostic };

/**
 * Checks `armored` over `message` cryptographically and its namespace; says nothing about whether the key is
 * trusted (see allowed-signers.ts). Never throws for bad input: the failure is a diagnostic.
 */
export function checkSignature(
  message: Uint8Array,
  armored: string,
  namespace: string = RESULT_NAMESPACE,
  what = 'the SSH signature',
): SignatureCheck {
  let parsed: SshSignature;
  try {
    parsed = parseSignature(armored, what);
  } catch (problem) {
    if (problem instanceof GitperfError) return { ok: false, diagnostic: problem.diagnostic };
    throw problem;
  }
  if (parsed.namespace !== namespace) {
    return {
      ok: false,
      diagnostic: error(
        'trust.signature-namespace',
        `${what} was made for namespace "${parsed.namespace}", not "${namespace}".`,
      ),
    };
  }
  const data = signedData(parsed.namespace, parsed.hashAlgorithm, message);
  if (!verify(null, data, cachedPublicKey(parsed.publicKey), parsed.signature)) {
    return {
      ok: false,
      diagnostic: error(
        'trust.signature-invalid',
        `${what} does not match the signed content: the content changed after signing, or the signature is not for it.`,
      ),
    };
  }
  return { ok: true, signature: parsed };
}

// Validating a registry verifies thousands of signatures by a few runner keys: import each key once.
const keyCache = new Map<string, ReturnType<typeof publicKeyObject>>();
function cachedPublicKey(publicKey: Buffer) {
  const id = publicKey.toString('hex');
  let keyObject = keyCache.get(id);
  if (!keyObject) {
    if (keyCache.size > 4096) keyCache.clear();
    keyObject = publicKeyObject(publicKey);
    keyCache.set(id, keyObject);
  }
  return keyObject;
}
