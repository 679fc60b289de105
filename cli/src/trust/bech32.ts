/**
 * Bech32 (BIP 173) decoding, as age uses it for recipients (`age1...`) and identities (`AGE-SECRET-KEY-1...`),
 * without BIP 173's 90-character limit (age lifts it). Only what validation needs: hrp, data bytes, checksum.
 */
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let bit = 0; bit < 5; bit++) if ((top >>> bit) & 1) checksum ^= GENERATORS[bit];
  }
  return checksum;
}

function expandHrp(hrp: string): number[] {
  const codes = [...hrp].map((char) => char.charCodeAt(0));
  return [...codes.map((code) => code >>> 5), 0, ...codes.map((code) => code & 31)];
}

/** `{hrp, bytes}` of a valid bech32 string (all lower or all upper case), or `undefined`. */
export function decodeBech32(text: string): { hrp: string; bytes: Buffer } | undefined {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return undefined;
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf('1');
  if (separator < 1 || separator + 7 > lower.length) return undefined;
  const hrp = lower.slice(0, separator);
  if (![...hrp].every((char) => char >= '!' && char <= '~')) return undefined;
  const values: number[] = [];
  for (const char of lower.slice(separator + 1)) {
    const value = CHARSET.indexOf(char);
    if (value < 0) return undefined;
    values.push(value);
  }
  if (polymod([...expandHrp(hrp), ...values]) !== 1) return undefined;
  // 5-bit groups to bytes; leftover bits must be fewer than 5 and zero.
  const bytes: number[] = [];
  let accumulator = 0;
  let bits = 0;
  for (const value of values.slice(0, -6)) {
    accumulator = (accumulator << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((accumulator >>> bits) & 0xff);
    }
  }
  if (bits >= 5 || (accumulator & ((1 << bits) - 1)) !== 0) return undefined;
  return { hrp, bytes: Buffer.from(bytes) };
}
