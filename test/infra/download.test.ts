import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileHashing, downloadToFile } from '../../cli/src/infra/download.js';
import { sha256Bytes } from '../../cli/src/infra/sha256.js';

describe('the hardened downloader', () => {
  const root = mkdtempSync(join(tmpdir(), 'gitperf-download-'));
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/file') response.end('payload');
      else if (request.url === '/big') response.end('x'.repeat(1000));
      else if (request.url === '/moved') response.writeHead(302, { location: '/file' }).end();
      else if (request.url === '/loop') response.writeHead(302, { location: '/loop' }).end();
      else if (request.url === '/silent')
        response.writeHead(200); // headers, then nothing
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('downloads and hashes, following a redirect', async () => {
    const file = join(root, 'a');
    expect(await downloadToFile(`${base}/moved`, file)).toBe(sha256Bytes('payload'));
    expect(readFileSync(file, 'utf8')).toBe('payload');
  });

  it('refuses a status other than 200, a redirect loop, more than the size cap, and silence', async () => {
    await expect(downloadToFile(`${base}/nope`, join(root, 'b'))).rejects.toThrow('HTTP 404');
    await expect(downloadToFile(`${base}/loop`, join(root, 'c'))).rejects.toThrow('too many redirects');
    await expect(downloadToFile(`${base}/big`, join(root, 'd'), { maxBytes: 100 })).rejects.toThrow(
      /100-byte limit/,
    );
    await expect(downloadToFile(`${base}/silent`, join(root, 'e'), { idleTimeoutMs: 200 })).rejects.toThrow(
      /no data for 0.2 s/,
    );
  });

  it('refuses protocols other than http and https', async () => {
    await expect(downloadToFile('ftp://127.0.0.1/x', join(root, 'f'))).rejects.toThrow(
      /unsupported protocol/,
    );
  });

  it('copies a local file with the same cap, hashing it', async () => {
    const source = join(root, 'source');
    writeFileSync(source, 'local');
    expect(await copyFileHashing(source, join(root, 'copy'))).toBe(sha256Bytes('local'));
    await expect(copyFileHashing(source, join(root, 'copy2'), { maxBytes: 2 })).rejects.toThrow(/limit/);
  });
});
