/**
 * Runner key files on disk: `<file>` (OpenSSH private key, mode 0600, written atomically) and `<file>.pub`
 * (the public key line), the same pair `ssh-keygen -t ed25519 -f <file>` makes, so either tool can use
 * either's keys.
 */
import { readFile, stat } from 'node:fs/promises';
import { fail, GitperfError } from '../diagnostics/diagnostic.js';
import { createFileAtomic, writeFileAtomic } from '../infra/atomic-write.js';
import { type Ed25519KeyPair, generateEd25519KeyPair } from './ed25519.js';
import { formatPrivateKey, type OpenSshPrivateKey, parsePrivateKey } from './openssh-private-key.js';
import { formatPublicKey } from './ssh-public-key.js';

/** Writes the key pair: the private key (0600) first, then `<file>.pub` (0644). */
export async function writeKeyPairFiles(file: string, pair: Ed25519KeyPair, comment = ''): Promise<void> {
  await writeFileAtomic(file, formatPrivateKey(pair, comment), { mode: 0o600 });
  await writeFileAtomic(`${file}.pub`, `${formatPublicKey(pair.publicKey, comment)}\n`, { mode: 0o644 });
}

/** A fresh key pair written to `file` and `file.pub`; returns the pair and its public key line. */
export async function createKeyPairFiles(
  file: string,
  comment = '',
): Promise<{ pair: Ed25519KeyPair; publicKeyLine: string }> {
  const pair = generateEd25519KeyPair();
  await writeKeyPairFiles(file, pair, comment);
  return { pair, publicKeyLine: formatPublicKey(pair.publicKey, comment) };
}

/**
 * Reads a private key file. Like ssh, refuses a file that group or others can read: a runner key that others
 * could copy cannot vouch for anything.
 */
export async function readPrivateKeyFile(file: string): Promise<OpenSshPrivateKey> {
  let text: string;
  let mode: number;
  try {
    mode = (await stat(file)).mode;
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
    return fail('trust.private-key-unreadable', `Cannot read the private key ${file} (${reason}).`, { file });
  }
  if ((mode & 0o077) !== 0) {
    fail(
      'trust.private-key-permissions',
      `The private key ${file} is readable by others (mode ${(mode & 0o777).toString(8)}); run \`chmod 600 ${file}\`.`,
      { file },
    );
  }
  try {
    return parsePrivateKey(text, `the private key ${file}`);
  } catch (problem) {
    if (problem instanceof GitperfError) fail(problem.diagnostic.code, problem.diagnostic.message, { file });
    throw problem;
  }
}

/**
 * The key pair at `file`, created (0600) when there is none yet: a member's signing key is made the first
 * time it is needed. Two processes making it at once agree: only the first private key is put in place
 * (exclusively), and both read that one back and write its `.pub`.
 */
export async function ensureKeyPairFile(
  file: string,
  comment = '',
): Promise<{ key: OpenSshPrivateKey; publicKeyLine: string; created: boolean }> {
  let created = false;
  try {
    await stat(file);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
    created = await createFileAtomic(file, formatPrivateKey(generateEd25519KeyPair(), comment), {
      mode: 0o600,
    });
  }
  const key = await readPrivateKeyFile(file);
  const publicKeyLine = formatPublicKey(key.publicKey, key.comment);
  if (created) await writeFileAtomic(`${file}.pub`, `${publicKeyLine}\n`, { mode: 0o644 });
  return { key, publicKeyLine, created };
}
