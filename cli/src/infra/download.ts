/**
 * The one HTTP(S) downloader. Hardened for URLs taken from a registry anyone can submit to: a size cap, an
 * idle timeout, at most five redirects and never from https down to http. The bytes are hashed on the way.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { SizeLimitError, sha256Tap } from './sha256.js';

export interface DownloadOptions {
  /** Extra certificate authority for https (PEM), e.g. a test server's self-signed certificate. */
  ca?: string | Buffer;
  /**
   * Refuse more than this many bytes: the size the entity records for the file, when it records one (default
   * DEFAULT_MAX_DOWNLOAD_BYTES). The transfer stops as soon as it goes over (SizeLimitError).
   */
  maxBytes?: number;
  /** Give up when no data arrives for this long (default 60 s). */
  idleTimeoutMs?: number;
}

/**
 * The cap on a file whose size is not recorded (4 GiB): a hostile URL can make gitperf fetch at most this
 * much before the hash refuses it. Larger files (big image tarballs) record their `size`.
 */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024 ** 3;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const MAX_REDIRECTS = 5;

/**
 * Downloads `url` (http or https) into `file` (created or truncated) and returns `sha256:<hex>` of its bytes.
 * Throws an Error saying why (`HTTP 404`, `redirect from https to http:`; a SizeLimitError when it sends more
 * than `maxBytes`).
 */
export async function downloadToFile(
  url: URL | string,
  file: string,
  options: DownloadOptions = {},
): Promise<string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const response = await follow(new URL(url), options, 0);
  // A server that announces more than the limit is refused before its first byte is read.
  const announced = Number(response.headers['content-length']);
  if (Number.isFinite(announced) && announced > maxBytes) {
    response.destroy();
    throw new SizeLimitError(maxBytes);
  }
  const hashing = sha256Tap(maxBytes);
  await pipeline(response, hashing.tap, createWriteStream(file));
  return hashing.digest();
}

/** Copies a local file with the same size cap, hashing on the way; returns `sha256:<hex>`. */
export async function copyFileHashing(
  source: string,
  file: string,
  options: DownloadOptions = {},
): Promise<string> {
  const hashing = sha256Tap(options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES);
  await pipeline(createReadStream(source), hashing.tap, createWriteStream(file));
  return hashing.digest();
}

async function follow(url: URL, options: DownloadOptions, redirects: number): Promise<http.IncomingMessage> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`unsupported protocol ${url.protocol}`);
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(url, { ca: options.ca, timeout: idleTimeoutMs }, resolve);
    request.on('timeout', () => request.destroy(new Error(`no data for ${idleTimeoutMs / 1000} s`)));
    request.on('error', reject);
  });
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400 && response.headers.location) {
    response.resume();
    if (redirects >= MAX_REDIRECTS) throw new Error('too many redirects');
    const next = new URL(response.headers.location, url);
    if (url.protocol === 'https:' && next.protocol !== 'https:')
      throw new Error(`redirect from https to ${next.protocol}`);
    return follow(next, options, redirects + 1);
  }
  if (status !== 200) {
    response.resume();
    throw new Error(`HTTP ${status}`);
  }
  return response;
}
