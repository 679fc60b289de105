/**
 * Download caps: a resource that records its `size` is fetched only up to that size, and a resource without
 * one only up to DEFAULT_MAX_DOWNLOAD_BYTES. A real HTTP server sends more than recorded (announced in
 * Content-Length, or streamed without end); the fetch stops, names the resource, its URL and the recorded
 * size, and caches nothing.
 */

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchResource, sha256Bytes } from '../../cli/src/cube/index.js';
import { DEFAULT_MAX_DOWNLOAD_BYTES } from '../../cli/src/infra/download.js';

const PAYLOAD = 'the real weights\n';
const CHUNK = Buffer.alloc(64 * 1024, 'x');

let root: string;
let home: string;
let server: Server;
let base = '';
/** Bytes the endless route managed to send before the client hung up. */
let endlessSent = 0;
let endlessClosed: Promise<void>;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gitperf-download-size-'));
  home = path.join(root, 'home');
  let closed: () => void = () => {};
  endlessClosed = new Promise((resolve) => {
    closed = resolve;
  });
  server = createServer((request, response) => {
    if (request.url === '/weights') {
      response.end(PAYLOAD);
    } else if (request.url === '/announced') {
      // Announces (and sends) ten times the recorded size.
      const body = Buffer.alloc(PAYLOAD.length * 10, 'y');
      response.writeHead(200, { 'content-length': String(body.length) }).end(body);
    } else if (request.url === '/endless') {
      // No Content-Length: streams until the client stops reading.
      response.writeHead(200);
      const pump = () => {
        while (!response.destroyed && response.write(CHUNK)) endlessSent += CHUNK.length;
      };
      response.on('drain', pump);
      response.on('close', closed);
      pump();
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

async function cachedFiles(): Promise<string[]> {
  return readdir(path.join(home, 'cache', 'sha256')).catch(() => []);
}

describe('downloads stop at the recorded size', () => {
  it('fetches a resource whose size matches its record', async () => {
    const fetched = await fetchResource(
      { url: `${base}/weights`, sha256: sha256Bytes(PAYLOAD), size: PAYLOAD.length },
      { home, label: 'image tarball of lee/x' },
    );
    expect(fetched.ok).toBe(true);
  });

  it('refuses a server that announces more than the recorded size, naming the resource, url and size', async () => {
    const url = `${base}/announced`;
    const fetched = await fetchResource(
      // A hash no cached copy has, so the fetch really goes to the server.
      { url, sha256: sha256Bytes('announced'), size: PAYLOAD.length },
      { home, label: 'parameters file of lee/x' },
    );
    expect(fetched.ok).toBe(false);
    const [problem] = fetched.diagnostics;
    expect(problem.code).toBe('resource.too-large');
    expect(problem.message).toContain('parameters file of lee/x');
    expect(problem.message).toContain(url);
    expect(problem.message).toContain(`records ${PAYLOAD.length} bytes`);
    expect((await cachedFiles()).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  });

  it('stops an endless stream as soon as it goes over the recorded size', async () => {
    const size = 1024 * 1024;
    const url = `${base}/endless`;
    const fetched = await fetchResource(
      { url, sha256: sha256Bytes('endless'), size },
      { home, label: 'additional files of lee/x' },
    );
    expect(fetched.ok).toBe(false);
    expect(fetched.diagnostics[0].code).toBe('resource.too-large');
    expect(fetched.diagnostics[0].message).toContain(`records ${size} bytes`);
    expect(fetched.diagnostics[0].message).toContain(url);
    await endlessClosed;
    // The server could push what socket buffers hold past the limit, not an unbounded stream.
    expect(endlessSent).toBeLessThan(size + 32 * 1024 * 1024);
    expect((await cachedFiles()).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  });

  it('without a recorded size, caps at the default and says how to raise it', async () => {
    expect(DEFAULT_MAX_DOWNLOAD_BYTES).toBe(4 * 1024 ** 3);
    const fetched = await fetchResource(
      { url: `${base}/announced`, sha256: sha256Bytes('no size') },
      // A smaller cap stands in for the default's 4 GiB (the same code path, without sending 4 GiB).
      { home, label: 'manifest of lee/x', maxBytes: PAYLOAD.length },
    );
    expect(fetched.ok).toBe(false);
    expect(fetched.diagnostics[0].code).toBe('resource.too-large');
    expect(fetched.diagnostics[0].message).toMatch(/records no size.*record the file's `size`/);
  });
});
