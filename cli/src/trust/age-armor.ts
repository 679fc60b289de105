/**
 * age encryption of bytes to X25519 recipients, ASCII-armored (`-----BEGIN AGE ENCRYPTED FILE-----`), with the
 * `age-encryption` package; the output is what `age -r age1... -a` writes and `age -d -i` reads. Failures are
 * `trust.age-*` diagnostics, never the package's bare Error.
 *
 * `age-encryption` (and its 60 @noble modules) is imported on first use: every command that loads the trust
 * layer (validate verifies signatures) would otherwise pay for it at start-up.
 */
import { fail } from '../diagnostics/diagnostic.js';
import { checkAgeRecipient } from './age-keys.js';

export async function encryptArmored(
  plaintext: Uint8Array | string,
  recipients: readonly string[],
): Promise<string> {
  if (recipients.length === 0)
    fail('trust.age-no-recipients', 'Encrypting needs at least one age recipient.');
  const { armor, Encrypter } = await ageLibrary();
  const encrypter = new Encrypter();
  recipients.forEach((recipient, index) => {
    encrypter.addRecipient(checkAgeRecipient(recipient, `recipient ${index + 1}`));
  });
  return armor.encode(await encrypter.encrypt(plaintext));
}

/**
 * Decrypts an armored age file with any of `identities`. `what` names the ciphertext in messages
 * ("the metrics of results/.../lee.bc-centroid.yaml").
 */
export async function decryptArmored(
  armored: string,
  identities: readonly string[],
  what = 'the encrypted data',
): Promise<Uint8Array> {
  const { armor, Decrypter } = await ageLibrary();
  let file: Uint8Array;
  try {
    file = armor.decode(armored);
  } catch (cause) {
    return fail(
      'trust.age-malformed',
      `${what} is not an ASCII-armored age file (-----BEGIN AGE ENCRYPTED FILE-----): ${reason(cause)}.`,
    );
  }
  if (identities.length === 0) fail('trust.age-no-identity', `Decrypting ${what} needs an age identity.`);
  const decrypter = new Decrypter();
  for (const identity of identities) {
    try {
      decrypter.addIdentity(identity);
    } catch {
      fail('trust.age-identity', 'An age identity given for decryption is not an AGE-SECRET-KEY-1... key.');
    }
  }
  try {
    return await decrypter.decrypt(file);
  } catch (cause) {
    const message = reason(cause);
    if (message.includes('no identity matched')) {
      fail(
        'trust.age-not-recipient',
        `${what} is not encrypted to any of your ${identities.length} age identit${identities.length === 1 ? 'y' : 'ies'}: you are not one of its recipients.`,
      );
    }
    return fail('trust.age-malformed', `${what} could not be decrypted: ${message} (corrupted or altered).`);
  }
}

function ageLibrary(): Promise<typeof import('age-encryption')> {
  return import('age-encryption');
}

function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
