/**
 * The allowed-signers file of ssh-keygen(1) (section ALLOWED SIGNERS): one key per line,
 *
 *   principals [options] keytype base64-key [comment]
 *
 * principals a comma-separated pattern list, options comma-separated (`namespaces="..."`,
 * `valid-after="YYYYMMDD[HHMM[SS]][Z]"`, `valid-before="..."`, `cert-authority`), values in double quotes.
 * gitperf writes one line per runner key (principal = the runner's `owner/name`) limited to the
 * `gitperf-result` namespace; a rotated key keeps its line with `valid-before`, its successor gets
 * `valid-after`, so old results stay verifiable. Both ssh-keygen and `verifyWithAllowedSigners` (here) pick
 * the key that was valid at the signature's time (inclusive at both ends, whole seconds, as ssh-keygen does).
 */
import { type Diagnostic, error, fail } from '../diagnostics/diagnostic.js';
import {
  ED25519_KEY_TYPE,
  formatPublicKey,
  parsePublicKey,
  publicKeyBlob,
  publicKeyFingerprint,
} from './ssh-public-key.js';
import { decodeBase64Strict } from './ssh-wire.js';
import { checkSignature, RESULT_NAMESPACE, type SshSignature } from './sshsig.js';

export interface AllowedSigner {
  /** Identities this key may sign as (`-I` of ssh-keygen), e.g. runner refs `hospital-a/gpu-1`. */
  principals: string[];
  /** The OpenSSH public key line (`ssh-ed25519 AAAA... [comment]`). */
  publicKey: string;
  /** Namespaces the key may sign for; gitperf writes `["gitperf-result"]`. Absent: any. */
  namespaces?: string[];
  /** The key is valid at or after this time. */
  validAfter?: Date;
  /** The key is valid at or before this time. */
  validBefore?: Date;
  /** Text after the key (kept when reading; written when given). */
  comment?: string;
}

/** One parsed line of a file that may have come from anyone (keys of other types are kept, never matched). */
export interface AllowedSignerLine {
  line: number;
  principals: string;
  namespaces?: string;
  validAfterSeconds?: number;
  validBeforeSeconds?: number;
  certAuthority: boolean;
  keyType: string;
  keyBlob: Buffer;
}

const PRINCIPAL = /^[^\s,"*?!#]+$/;

/** `YYYYMMDDHHMMSSZ` (UTC, whole seconds), the most precise timestamp ssh-keygen reads. */
export function formatSshTime(time: Date): string {
  const iso = time.toISOString(); // 2026-12-02T06:45:17.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/**
 * Seconds since the epoch of `YYYYMMDD[Z]` or `YYYYMMDDHHMM[SS][Z]`; `undefined` when malformed. Without `Z`
 * ssh-keygen reads local time: so do we (gitperf itself always writes `Z`).
 */
export function parseSshTime(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', utc] = match;
  const parts = [
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  ] as const;
  const millis = utc ? Date.UTC(...parts) : new Date(...parts).getTime();
  const back = new Date(millis);
  const [checkMonth, checkDay, checkHour] = utc
    ? [back.getUTCMonth(), back.getUTCDate(), back.getUTCHours()]
    : [back.getMonth(), back.getDate(), back.getHours()];
  if (
    checkMonth !== parts[1] ||
    checkDay !== parts[2] ||
    checkHour !== parts[3] ||
    parts[4] > 59 ||
    parts[5] > 59
  ) {
    return undefined;
  }
  return Math.floor(millis / 1000);
}

/** The file's text, one line per entry, in the order given. */
export function formatAllowedSigners(signers: readonly AllowedSigner[]): string {
  return signers.map(formatAllowedSigner).join('');
}

function formatAllowedSigner(signer: AllowedSigner): string {
  if (signer.principals.length === 0)
    fail('trust.allowed-signers', 'An allowed signer needs at least one principal.');
  for (const principal of signer.principals) {
    if (!PRINCIPAL.test(principal)) {
      fail(
        'trust.allowed-signers',
        `Principal "${principal}" cannot be written to an allowed-signers file (no spaces, commas, quotes, #, or pattern characters * ? !).`,
      );
    }
  }
  const options: string[] = [];
  if (signer.namespaces) {
    for (const namespace of signer.namespaces) {
      if (!/^[^\s,"*?!]+$/.test(namespace)) {
        fail(
          'trust.allowed-signers',
          `Namespace "${namespace}" cannot be written to an allowed-signers file.`,
        );
      }
    }
    options.push(`namespaces="${signer.namespaces.join(',')}"`);
  }
  if (signer.validAfter) options.push(`valid-after="${formatSshTime(signer.validAfter)}"`);
  if (signer.validBefore) options.push(`valid-before="${formatSshTime(signer.validBefore)}"`);
  const key = parsePublicKey(signer.publicKey, `the public key of ${signer.principals.join(',')}`);
  const comment = (signer.comment ?? key.comment).replace(/[\r\n]+/g, ' ').trim();
  const fields = [
    signer.principals.join(','),
    ...(options.length ? [options.join(',')] : []),
    formatPublicKey(key.key),
  ];
  return `${fields.join(' ')}${comment ? ` ${comment}` : ''}\n`;
}

/** Splits on whitespace outside double quotes (ssh's rule for principals and options). */
function nextField(text: string, start: number): { field: string; end: number } | undefined {
  let index = start;
  while (index < text.length && /\s/.test(text[index])) index++;
  if (index >= text.length) return undefined;
  let inQuotes = false;
  let end = index;
  while (end < text.length && (inQuotes || !/\s/.test(text[end]))) {
    if (text[end] === '"') inQuotes = !inQuotes;
    end++;
  }
  if (inQuotes) return { field: '', end: -1 };
  return { field: text.slice(index, end), end };
}

/** Parses a file's text. Malformed lines are errors with the file and line (`what` names the file). */
export function parseAllowedSigners(text: string, file?: string): AllowedSignerLine[] {
  const entries: AllowedSignerLine[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    const content = raw.trim();
    if (content === '' || content.startsWith('#')) continue;
    const at = { file, line: lineNumber };
    const bad: (message: string) => never = (message) =>
      fail(
        'trust.allowed-signers',
        `Line ${lineNumber} of ${file ?? 'the allowed-signers file'}: ${message}`,
        at,
      );
    const principalsField = nextField(content, 0);
    if (!principalsField || principalsField.end < 0) bad('unbalanced double quotes.');
    const principals = principalsField.field.replace(/^"(.*)"$/, '$1');
    let next = nextField(content, principalsField.end);
    if (!next || next.end < 0) bad('no key after the principals.');
    const entry: AllowedSignerLine = {
      line: lineNumber,
      principals,
      certAuthority: false,
      keyType: '',
      keyBlob: Buffer.alloc(0),
    };
    if (!/^(ssh-|ecdsa-|sk-|rsa-)/.test(next.field)) {
      parseOptions(next.field, entry, bad);
      next = nextField(content, next.end);
      if (!next || next.end < 0) bad('no key after the options.');
    }
    entry.keyType = next.field;
    const keyField = nextField(content, next.end);
    const blob = keyField && keyField.end >= 0 ? decodeBase64Strict(keyField.field) : undefined;
    if (!blob) bad(`the ${entry.keyType} key is missing or not valid base64.`);
    entry.keyBlob = blob;
    entries.push(entry);
  }
  return entries;
}

function parseOptions(field: string, entry: AllowedSignerLine, bad: (message: string) => never): void {
  const options = field.match(/(?:[^,"]|"[^"]*")+/g) ?? [];
  for (const option of options) {
    const match = /^([A-Za-z-]+)(?:="([^"]*)")?$/.exec(option);
    if (!match) bad(`option "${option}" is not name or name="value".`);
    const [, name, value] = match as RegExpExecArray;
    switch (name.toLowerCase()) {
      case 'cert-authority':
        entry.certAuthority = true;
        break;
      case 'namespaces':
        if (value === undefined) bad('namespaces needs a quoted value.');
        entry.namespaces = value;
        break;
      case 'valid-after':
      case 'valid-before': {
        const seconds = value === undefined ? undefined : parseSshTime(value);
        if (seconds === undefined) bad(`${name} needs a quoted YYYYMMDD[HHMM[SS]][Z] time.`);
        if (name.toLowerCase() === 'valid-after') entry.validAfterSeconds = seconds;
        else entry.validBeforeSeconds = seconds;
        break;
      }
      default:
        bad(`unknown option "${name}".`);
    }
  }
}

/** ssh_config(5) PATTERNS: a comma-separated list of `*`/`?` globs, `!` negates; any negated match wins. */
export function matchPatternList(value: string, patternList: string): boolean {
  let matched = false;
  for (const item of patternList.split(',')) {
    const negated = item.startsWith('!');
    const pattern = negated ? item.slice(1) : item;
    if (globMatch(value, pattern)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function globMatch(value: string, pattern: string): boolean {
  if (!/[*?]/.test(pattern)) return value === pattern;
  let compiled = globCache.get(pattern);
  if (!compiled) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    compiled = new RegExp(`^${source}$`, 's');
    if (globCache.size >= 1024) globCache.clear();
    globCache.set(pattern, compiled);
  }
  return compiled.test(value);
}

// A registry's validation matches thousands of signatures against a few runners' patterns.
const globCache = new Map<string, RegExp>();

/** Entries from the structured form, for verifying without writing a file. */
export function allowedSignerLines(signers: readonly AllowedSigner[]): AllowedSignerLine[] {
  return parseAllowedSigners(formatAllowedSigners(signers));
}

export type SignerVerdict =
  | { ok: true; principal: string; fingerprint: string; line: number; signature: SshSignature }
  | { ok: false; diagnostic: Diagnostic };

/**
 * `ssh-keygen -Y verify -f FILE -I principal -n namespace -Overify-time=T`, in-process: the signature must be
 * valid over `message`, for `namespace`, by a key listed for `principal` whose namespaces allow `namespace`
 * and whose validity includes `time`. The failure names the reason (unknown key, key not valid at that
 * time, namespace, tampered content).
 */
export function verifyWithAllowedSigners(input: {
  message: Uint8Array;
  signature: string;
  signers: readonly AllowedSignerLine[];
  principal: string;
  time: Date;
  namespace?: string;
  what?: string;
}): SignerVerdict {
  const namespace = input.namespace ?? RESULT_NAMESPACE;
  const what = input.what ?? 'the signature';
  const checked = checkSignature(input.message, input.signature, namespace, what);
  if (!checked.ok) return checked;
  const signature = checked.signature;
  const { fingerprint, blob: wanted } = keyFacts(signature.publicKey);
  const seconds = Math.floor(input.time.getTime() / 1000);
  const candidates = input.signers.filter(
    (entry) =>
      !entry.certAuthority &&
      entry.keyType === ED25519_KEY_TYPE &&
      entry.keyBlob.equals(wanted) &&
      matchPatternList(input.principal, entry.principals),
  );
  if (candidates.length === 0) {
    return refuse(
      'trust.signer-unknown',
      `${what} was made by key ${fingerprint}, which is not an allowed signer for "${input.principal}".`,
    );
  }
  const inNamespace = candidates.filter(
    (entry) => entry.namespaces === undefined || matchPatternList(namespace, entry.namespaces),
  );
  if (inNamespace.length === 0) {
    return refuse(
      'trust.signer-namespace',
      `Key ${fingerprint} of "${input.principal}" is not allowed to sign for namespace "${namespace}".`,
    );
  }
  const valid = inNamespace.find(
    (entry) =>
      (entry.validAfterSeconds === undefined || seconds >= entry.validAfterSeconds) &&
      (entry.validBeforeSeconds === undefined || seconds <= entry.validBeforeSeconds),
  );
  if (!valid) {
    const early = inNamespace.every(
      (entry) => entry.validAfterSeconds !== undefined && seconds < entry.validAfterSeconds,
    );
    return refuse(
      early ? 'trust.signer-not-yet-valid' : 'trust.signer-expired',
      `Key ${fingerprint} of "${input.principal}" was not valid at ${input.time.toISOString()} (${early ? 'not yet valid' : 'expired: the key was rotated before then'}).`,
    );
  }
  return { ok: true, principal: input.principal, fingerprint, line: valid.line, signature };
}

// The blob and fingerprint of each signing key, computed once: a registry has a few keys, many signatures.
const keyFactsCache = new Map<string, { blob: Buffer; fingerprint: string }>();
function keyFacts(publicKey: Buffer): { blob: Buffer; fingerprint: string } {
  const id = publicKey.toString('hex');
  let facts = keyFactsCache.get(id);
  if (!facts) {
    facts = { blob: publicKeyBlob(publicKey), fingerprint: publicKeyFingerprint(publicKey) };
    if (keyFactsCache.size >= 4096) keyFactsCache.clear();
    keyFactsCache.set(id, facts);
  }
  return facts;
}

function refuse(code: string, message: string): SignerVerdict {
  return { ok: false, diagnostic: error(code, message) };
}
