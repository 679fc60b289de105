/**
 * A result's measurements encrypted (age, armored) to its readers, and back. Encryption adds a fresh nonce
 * and returns the digest the public envelope keeps, so the signature still covers the numbers; decryption
 * returns the measurements and the digest to check against it.
 */
import { decryptArmored, encryptArmored } from './age-armor.js';
import {
  type Measurements,
  measurementsBytes,
  measurementsDigest,
  parseMeasurements,
  withNonce,
} from './measurements.js';

export interface EncryptedMeasurements {
  /** `-----BEGIN AGE ENCRYPTED FILE-----` ... */
  ciphertext: string;
  /** SHA-256 (hex) of the encrypted measurements' canonical JSON; goes into the signed payload. */
  measurementsSha256: string;
}

export async function encryptMeasurements(
  measurements: Measurements,
  recipients: readonly string[],
): Promise<EncryptedMeasurements> {
  // A re-encryption keeps the nonce, so the digest (and with it the runner's signature) stays valid.
  const salted = measurements.nonce ? measurements : withNonce(measurements);
  return {
    ciphertext: await encryptArmored(measurementsBytes(salted), recipients),
    measurementsSha256: measurementsDigest(salted),
  };
}

export async function decryptMeasurements(
  ciphertext: string,
  identities: readonly string[],
  what = 'the encrypted measurements',
): Promise<{ measurements: Measurements; measurementsSha256: string }> {
  const measurements = parseMeasurements(await decryptArmored(ciphertext, identities, what), what);
  return { measurements, measurementsSha256: measurementsDigest(measurements) };
}
