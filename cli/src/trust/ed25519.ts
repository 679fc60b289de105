/**
 * Ed25519 key pairs with Node's crypto, as raw 32-byte keys (what SSH formats carry) and as KeyObjects (what
 * `crypto.sign`/`crypto.verify` take). Conversions go through JWK, the one raw-key import Node offers.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface Ed25519KeyPair {
  /** The 32-byte public key. */
  publicKey: Buffer;
  /** The 32-byte private seed (RFC 8032's private key). */
  seed: Buffer;
}

export function generateEd25519KeyPair(): Ed25519KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  return rawKeyPair(privateKey);
}

function rawKeyPair(privateKey: KeyObject): Ed25519KeyPair {
  const jwk = privateKey.export({ format: 'jwk' });
  if (!jwk.d || !jwk.x) throw new Error('Node returned an Ed25519 JWK without d or x');
  return { publicKey: Buffer.from(jwk.x, 'base64url'), seed: Buffer.from(jwk.d, 'base64url') };
}

/** The public key derived from a seed (used to check that a key file's two copies agree). */
export function publicKeyOfSeed(seed: Uint8Array): Buffer {
  const jwk = createPublicKey(privateKeyObject(seed)).export({ format: 'jwk' });
  return Buffer.from(jwk.x ?? '', 'base64url');
}

export function privateKeyObject(seed: Uint8Array): KeyObject {
  // PKCS#8 from the seed alone: Node derives the public half itself (a JWK import would trust a given x).
  const pkcs8 = Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(seed)]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
    format: 'jwk',
  });
}

/** DER prefix of an Ed25519 PKCS#8 PrivateKeyInfo (RFC 8410 §7) before the 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
