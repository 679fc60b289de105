/**
 * Resources: relative / file:// / https fetches into the verified cache, re-hash before every use, refusal on
 * mismatch; safe tarball extraction against malicious archives (made with Python's tarfile, which writes
 * whatever names and links it is given).
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  extractTarball,
  fetchResource,
  fetchTarball,
  sha256Bytes,
  sha256File,
} from '../../cli/src/cube/index.js';
import { type Entry, makeTar } from './helpers/tar.js';

let T: string;
let home: string;
let reg: string;
beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-res-'));
  home = path.join(T, 'home');
  reg = path.join(T, 'registry');
  await mkdir(path.join(reg, 'files'), { recursive: true });
});
afterAll(async () => {
  await rm(T, { recursive: true, force: true });
});

describe('fetchResource', () => {
  it('fetches a relative path and a file:// URL into the cache, verified', async () => {
    const f = path.join(reg, 'files', 'a.txt');
    await writeFile(f, 'hello');
    const sha = sha256Bytes('hello');
    const r = await fetchResource({ url: 'files/a.txt', sha256: sha }, { baseDir: reg, home });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.path.startsWith(path.join(home, 'cache'))).toBe(true);
    expect(await readFile(r.value.path, 'utf8')).toBe('hello');
    expect(r.value.cached).toBe(false);
    const again = await fetchResource({ url: pathToFileURL(f).href, sha256: sha }, { home });
    expect(again.ok && again.value.cached).toBe(true);
  });

  it('refuses a source that does not match, naming the resource, and caches nothing', async () => {
    const f = path.join(reg, 'files', 'b.txt');
    await writeFile(f, 'tampered');
    const r = await fetchResource(
      { url: 'files/b.txt', sha256: sha256Bytes('original') },
      { baseDir: reg, home, label: 'parameters file of ana/bc-prep' },
    );
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].code).toBe('resource.hash-mismatch');
    expect(r.diagnostics[0].message).toContain('parameters file of ana/bc-prep (files/b.txt)');
    expect(r.diagnostics[0].message).toContain(sha256Bytes('tampered'));
    expect((await readdir(path.join(home, 'cache', 'sha256'))).filter((n) => n.startsWith('.tmp'))).toEqual(
      [],
    );
  });

  it('re-hashes a cached copy on every use and replaces an altered one', async () => {
    const f = path.join(reg, 'files', 'c.txt');
    await writeFile(f, 'cached');
    const res = { url: 'files/c.txt', sha256: sha256Bytes('cached') };
    const first = await fetchResource(res, { baseDir: reg, home });
    if (!first.ok) throw new Error('first');
    await writeFile(first.value.path, 'evil');
    const second = await fetchResource(res, { baseDir: reg, home });
    if (!second.ok) throw new Error(JSON.stringify(second.diagnostics));
    expect(second.diagnostics.map((d) => d.code)).toEqual(['resource.cache-corrupt']);
    expect(await readFile(second.value.path, 'utf8')).toBe('cached');
    // Altered cache and altered source: refused.
    await writeFile(second.value.path, 'evil');
    await writeFile(f, 'evil');
    const third = await fetchResource(res, { baseDir: reg, home });
    expect(third.ok).toBe(false);
    expect(third.diagnostics.map((d) => d.code)).toEqual([
      'resource.cache-corrupt',
      'resource.hash-mismatch',
    ]);
  });

  it('reports missing files and malformed hashes / URLs', async () => {
    const miss = await fetchResource({ url: 'files/none', sha256: sha256Bytes('x') }, { baseDir: reg, home });
    expect(miss.diagnostics.map((d) => d.code)).toEqual(['resource.missing']);
    const badHash = await fetchResource({ url: 'files/a.txt', sha256: 'md5:abc' }, { baseDir: reg, home });
    expect(badHash.diagnostics.map((d) => d.code)).toEqual(['resource.bad-hash']);
    const badUrl = await fetchResource(
      { url: 'ftp://x/y', sha256: sha256Bytes('x') },
      { baseDir: reg, home },
    );
    expect(badUrl.diagnostics.map((d) => d.code)).toEqual(['resource.bad-url']);
  });

  it('downloads over https from a local server (self-signed CA), follows a redirect, refuses a 404', async () => {
    const tls = path.resolve(import.meta.dirname, '../fixtures/cubes/tls');
    const cert = readFileSync(path.join(tls, 'cert.pem'));
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const server = https.createServer({ key: readFileSync(path.join(tls, 'key.pem')), cert }, (req, res) => {
      if (req.url === '/old') {
        res.writeHead(302, { location: '/weights.bin' });
        res.end();
      } else if (req.url === '/weights.bin') {
        res.writeHead(200);
        res.end(body);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const sha = sha256Bytes(body);
      const r = await fetchResource(
        { url: `https://127.0.0.1:${port}/old`, sha256: sha },
        { home, ca: cert },
      );
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect(await sha256File(r.value.path)).toBe(sha);
      // Without trusting the test CA the TLS handshake fails: the certificate is really checked.
      const untrusted = await fetchResource(
        { url: `https://127.0.0.1:${port}/weights.bin`, sha256: sha256Bytes('z') },
        { home },
      );
      expect(untrusted.diagnostics.map((d) => d.code)).toEqual(['resource.fetch-failed']);
      const nf = await fetchResource(
        { url: `https://127.0.0.1:${port}/nope`, sha256: sha256Bytes('q') },
        { home, ca: cert },
      );
      expect(nf.diagnostics[0].message).toContain('HTTP 404');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('safe tarball extraction', () => {
  it('extracts files, folders and inside links', async () => {
    const tgz = path.join(T, 'good.tar.gz');
    await makeTar(tgz, [
      { name: 'weights', type: 'dir' },
      { name: 'weights/w.bin', type: 'file', data: 'abc' },
      { name: 'weights/sub/x.txt', type: 'file', data: 'x' },
      { name: 'latest', type: 'symlink', target: 'weights/w.bin' },
      { name: 'weights/sub/up', type: 'symlink', target: '../w.bin' },
      { name: 'copy.bin', type: 'hardlink', target: 'weights/w.bin' },
    ]);
    const dest = path.join(T, 'good');
    const r = await extractTarball(tgz, dest);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(await readFile(path.join(dest, 'latest'), 'utf8')).toBe('abc');
    expect(await readFile(path.join(dest, 'weights/sub/up'), 'utf8')).toBe('abc');
    expect(await readFile(path.join(dest, 'copy.bin'), 'utf8')).toBe('abc');
    expect(r.value.bytes).toBeGreaterThanOrEqual(4);
  });

  const evil: [string, Entry[], string][] = [
    ['a ../ path', [{ name: '../evil.txt', type: 'file', data: 'x' }], 'tarball.parent-path'],
    ['a nested ../ path', [{ name: 'a/../../evil.txt', type: 'file', data: 'x' }], 'tarball.parent-path'],
    [
      'an absolute path',
      [{ name: '/tmp/gitperf-evil.txt', type: 'file', data: 'x' }],
      'tarball.absolute-path',
    ],
    ['an absolute symlink', [{ name: 'l', type: 'symlink', target: '/etc' }], 'tarball.link-escape'],
    [
      'a symlink climbing out',
      [{ name: 'a/l', type: 'symlink', target: '../../outside' }],
      'tarball.link-escape',
    ],
    [
      'a chain of symlinks climbing out',
      [
        { name: 'd/b', type: 'symlink', target: '..' },
        { name: 'x', type: 'symlink', target: 'd/b/..' },
      ],
      'tarball.link-escape',
    ],
    [
      'a file written through an escaping symlink',
      [
        { name: 'l', type: 'symlink', target: '/tmp' },
        { name: 'l/evil.txt', type: 'file', data: 'x' },
      ],
      'tarball.link-escape',
    ],
    [
      'a hard link to an outside file',
      [{ name: 'h', type: 'hardlink', target: '/etc/passwd' }],
      'tarball.link-escape',
    ],
    ['a FIFO', [{ name: 'p', type: 'fifo' }], 'tarball.entry-type'],
  ];
  for (const [what, entries, code] of evil) {
    it(`refuses ${what} (${code}) and writes nothing`, async () => {
      const tgz = path.join(T, `evil-${code}-${Math.random().toString(16).slice(2)}.tar.gz`);
      await makeTar(tgz, entries);
      const dest = path.join(T, 'x', path.basename(tgz));
      const r = await extractTarball(tgz, dest);
      expect(r.ok).toBe(false);
      expect(r.diagnostics.map((d) => d.code)).toContain(code);
      await expect(stat(dest)).rejects.toThrow();
      await expect(stat(path.join(T, 'x', 'evil.txt'))).rejects.toThrow();
      await expect(stat('/tmp/gitperf-evil.txt')).rejects.toThrow();
    });
  }

  it('refuses archives over the size cap', async () => {
    const tgz = path.join(T, 'big.tar.gz');
    await makeTar(tgz, [{ name: 'big', type: 'file', data: 'y'.repeat(5000) }]);
    const r = await extractTarball(tgz, path.join(T, 'big'), { maxBytes: 4096 });
    expect(r.diagnostics.map((d) => d.code)).toContain('tarball.too-large');
  });

  it('fetchTarball verifies before extracting: a tampered archive is refused and nothing is extracted', async () => {
    const tgz = path.join(reg, 'files', 'demo.tar.gz');
    await makeTar(tgz, [{ name: 'paths.yaml', type: 'file', data: 'data_path: data\n' }]);
    const res = { url: 'files/demo.tar.gz', sha256: await sha256File(tgz) };
    const dest = path.join(T, 'demo');
    const r = await fetchTarball(res, dest, { baseDir: reg, home, label: 'demo dataset of bc-diagnosis' });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(await readFile(path.join(dest, 'paths.yaml'), 'utf8')).toBe('data_path: data\n');
    await makeTar(tgz, [{ name: 'paths.yaml', type: 'file', data: 'data_path: /etc\n' }]);
    const dest2 = path.join(T, 'demo2');
    const bad = await fetchTarball(res, dest2, {
      baseDir: reg,
      home: path.join(T, 'home2'),
      label: 'demo dataset of bc-diagnosis',
    });
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0].code).toBe('resource.hash-mismatch');
    expect(bad.diagnostics[0].message).toContain('demo dataset of bc-diagnosis');
    await expect(stat(dest2)).rejects.toThrow();
  });
});
