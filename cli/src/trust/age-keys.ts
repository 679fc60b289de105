/**
 * age X25519 keys as text: recipients (`age1` + 58 bech32 characters, lower case; what a User publishes) and
 * identity files (`AGE-SECRET-KEY-1...` lines; blank lines and `#` comments allowed, as `age-keygen` writes
 * them and `age -i` reads them). Only native X25519 is accepted: it is what every `age` release reads
 * (Debian's age 1.1 cannot read post-quantum recipients).
 */
import { readFile, stat } from 'node:fs/promises';
import { fail } from '../diagnostics/diagnostic.js';
import { createFileAtomic } from '../infra/atomic-write.js';
import { decodeBech32 } from './bech32.js';

/** The shape of an X25519 recipient, for a JSON-schema `pattern`; `isAgeRecipient` also checks the checksum. */
export const AGE_RECIPIENT_PATTERN = '^age1[02-9ac-hj-np-z]{58}$';

export function isAgeRecipient(text: string): boolean {
  if (!new RegExp(AGE_RECIPIENT_PATTERN).test(text)) return false;
  const decoded = decodeBech32(text);
  return decoded?.hrp === 'age' && decoded.bytes.length === 32;
}

/** Throws `trust.age-recipient` naming `what` (e.g. "recipient 2 of user ana") unless `text` is one. */
export function checkAgeRecipient(text: string, what = 'the age recipient'): string {
  if (!isAgeRecipient(text)) {
    fail(
      'trust.age-recipient',
      `${what} ("${text.length > 80 ? `${text.slice(0, 80)}...` : text}") is not an age X25519 recipient (age1 followed by 58 lower-case bech32 characters, as \`age-keygen -y\` prints).`,
    );
  }
  return text;
}

function isAgeIdentity(text: string): boolean {
  if (!text.startsWith('AGE-SECRET-KEY-1')) return false;
  const decoded = decodeBech32(text);
  return decoded?.hrp === 'age-secret-key-' && decoded.bytes.length === 32;
}

/**
 * The identities in an identity file's text. Every other line is an error naming the line (the secret itself
 * is never echoed). An empty file is an error: decrypting with no identity cannot succeed.
 */
export function parseIdentityFile(text: string, file = 'the identity file'): string[] {
  const identities: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!isAgeIdentity(line)) {
      const hint = line.startsWith('AGE-SECRET-KEY-PQ-')
        ? 'post-quantum identities are not supported; use `age-keygen` (X25519)'
        : line.startsWith('age1')
          ? 'this is a recipient (public key); the identity is the AGE-SECRET-KEY-1... line from age-keygen'
          : 'expected an AGE-SECRET-KEY-1... line from age-keygen, a # comment or a blank line';
      fail('trust.age-identity', `Line ${index + 1} of ${file} is not an age X25519 identity: ${hint}.`, {
        file,
        line: index + 1,
      });
    }
    identities.push(line);
  });
  if (identities.length === 0) {
    fail('trust.age-identity', `${file} holds no AGE-SECRET-KEY-1... identity.`, { file });
  }
  return identities;
}

export async function readIdentityFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
    return fail('trust.age-identity-unreadable', `Cannot read the age identity file ${file} (${reason}).`, {
      file,
    });
  }
  return parseIdentityFile(text, file);
}

/** The recipient (public key, `age1...`) of an X25519 identity. */
export async function ageRecipientOf(identity: string): Promise<string> {
  const { identityToRecipient } = await import('age-encryption');
  return identityToRecipient(identity);
}

/**
 * The identity file at `file` (mode 0600, as `age-keygen -o` writes it: `# created`, `# public key`, the
 * secret), created when there is none; returns the recipients of its identities. Two processes making it at
 * once agree: only the first file is put in place (exclusively), and both read that one.
 */
export async function ensureAgeIdentityFile(
  file: string,
): Promise<{ recipients: string[]; created: boolean }> {
  let created = false;
  try {
    await stat(file);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
    // Imported here, as in age-armor.ts: the library's 60 modules would otherwise load with every command.
    const { generateX25519Identity, identityToRecipient } = await import('age-encryption');
    const identity = await generateX25519Identity();
    const text = `# created: ${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}\n# public key: ${await identityToRecipient(identity)}\n${identity}\n`;
    created = await createFileAtomic(file, text, { mode: 0o600 });
  }
  const identities = await readIdentityFile(file);
  return { recipients: await Promise.all(identities.map(ageRecipientOf)), created };
}
