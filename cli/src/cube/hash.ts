import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export const SHA256_RE = /^sha256:[0-9a-f]{64}$/;

/** `sha256:<hex>` of a file's bytes, streamed. */
export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

export function sha256Bytes(b: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}
