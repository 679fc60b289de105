/**
 * The SSH wire encoding (RFC 4251 §5): uint32 big-endian, and `string` = uint32 length + bytes. Used by the
 * public-key blob, the OpenSSH private key file and SSHSIG. The reader checks every length against the bytes
 * left, so a truncated or hostile buffer gives a `trust.*` diagnostic, never an out-of-range read.
 */
import { fail } from '../diagnostics/diagnostic.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Builds an SSH wire buffer field by field. */
export class SshWriter {
  private readonly parts: Buffer[] = [];

  raw(bytes: Uint8Array): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  uint32(value: number): this {
    const field = Buffer.alloc(4);
    field.writeUInt32BE(value >>> 0);
    this.parts.push(field);
    return this;
  }

  string(value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    return this.uint32(bytes.length).raw(bytes);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/**
 * Reads SSH wire fields in order. `what` names the structure in error messages ("the SSH signature of
 * results/x.yaml"); the code on failure is `errorCode`, e.g. `trust.signature-malformed`.
 */
export class SshReader {
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
    private readonly errorCode: string,
  ) {}

  private need(count: number, field: string): void {
    if (count > this.bytes.length - this.offset) {
      fail(
        this.errorCode,
        `${this.what} is truncated: ${field} needs ${count} byte(s) at offset ${this.offset} but only ${this.bytes.length - this.offset} remain.`,
      );
    }
  }

  raw(count: number, field: string): Buffer {
    this.need(count, field);
    const slice = Buffer.from(this.bytes.subarray(this.offset, this.offset + count));
    this.offset += count;
    return slice;
  }

  uint32(field: string): number {
    const bytes = this.raw(4, field);
    return bytes.readUInt32BE(0);
  }

  string(field: string): Buffer {
    const length = this.uint32(`the length of ${field}`);
    return this.raw(length, field);
  }

  /** A string field that must be UTF-8 text (key types, namespaces, comments). */
  text(field: string): string {
    const bytes = this.string(field);
    try {
      return UTF8.decode(bytes);
    } catch {
      return this.fail(`${field} is not UTF-8 text.`);
    }
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Refuses trailing bytes: a structure with extra data is not the one that was signed or written. */
  end(): void {
    if (this.remaining !== 0) {
      fail(this.errorCode, `${this.what} has ${this.remaining} unexpected trailing byte(s).`);
    }
  }

  fail(message: string): never {
    return fail(this.errorCode, `${this.what}: ${message}`);
  }
}

/** Strict base64 (standard alphabet, optional padding); `undefined` when `text` is not base64. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  if (text.length % 4 === 1) return undefined;
  const decoded = Buffer.from(text, 'base64');
  // Node silently ignores some malformed tails; a round trip catches non-canonical input.
  if (decoded.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')) return undefined;
  return decoded;
}

/**
 * PEM-like armor as OpenSSH writes it: BEGIN line, base64 wrapped at 70 columns, END line. `unarmor` accepts
 * any line width, CRLF, and surrounding whitespace, and rejects anything else between the markers.
 */
export function armor(label: string, bytes: Uint8Array): string {
  const encoded = Buffer.from(bytes).toString('base64');
  const lines: string[] = [];
  for (let index = 0; index < encoded.length; index += 70) lines.push(encoded.slice(index, index + 70));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function unarmor(label: string, text: string, what: string, errorCode: string): Buffer {
  const lines = text.replace(/\r\n/g, '\n').trim().split('\n');
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  if (lines[0]?.trim() !== begin) {
    fail(errorCode, `${what} does not start with "${begin}".`);
  }
  if (lines.length < 3 || lines[lines.length - 1]?.trim() !== end) {
    fail(errorCode, `${what} does not end with "${end}".`);
  }
  const body = lines
    .slice(1, -1)
    .map((line) => line.trim())
    .join('');
  const decoded = decodeBase64Strict(body);
  if (!decoded) fail(errorCode, `${what} is not valid base64 between its BEGIN and END lines.`);
  return decoded;
}
