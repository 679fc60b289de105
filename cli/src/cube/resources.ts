/**
 * Fetches registry resources (a path relative to the registry root, `file://` or `https://`) into a
 * content-addressed cache under $GITPERF_HOME and verifies their sha256 before every use: a cached copy is
 * re-hashed each time it is handed out, and a mismatch refuses, naming the resource.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { type Diagnostic, error, warning } from '../diagnostics/diagnostic.js';
import { copyFileHashing, DEFAULT_MAX_DOWNLOAD_BYTES, downloadToFile } from '../infra/download.js';
import { homeLayout } from '../infra/gitperf-home.js';
import { SHA256_RE, SizeLimitError, sha256File, sha256Tap } from '../infra/sha256.js';
import { DEFAULT_MAX_EXTRACT_BYTES, type ExtractResult, extractTarball } from './tarball.js';
import { failed, type Outcome, ok, type Resource } from './types.js';

export interface FetchOptions {
  /** Folder relative URLs are resolved against (the registry repository root). */
  baseDir?: string;
  /** $GITPERF_HOME (the cache lives in `<home>/cache/sha256/`). */
  home?: string;
  /** What the resource is, for messages: `manifest of ana/bc-prep`. */
  label?: string;
  /** Extra certificate authority for https (PEM), e.g. a test server's self-signed certificate. */
  ca?: string | Buffer;
  /** Refuse downloads larger than this many bytes (default: the resource's `size`, else 4 GiB). */
  maxBytes?: number;
}

export interface FetchedResource {
  /** Verified local copy (in the cache). */
  path: string;
  sha256: string;
  /** Where it came from (absolute path or URL). */
  source: string;
  /** True when an already cached copy was re-verified and used. */
  cached: boolean;
}

type Source = { kind: 'file'; path: string } | { kind: 'http'; url: URL };

function classify(url: string, baseDir: string | undefined): Source | string {
  if (/^https?:\/\//i.test(url)) {
    try {
      return { kind: 'http', url: new URL(url) };
    } catch {
      return `${url} is not a valid URL`;
    }
  }
  if (/^file:\/\//i.test(url)) {
    try {
      return { kind: 'file', path: fileURLToPath(url) };
    } catch {
      return `${url} is not a valid file:// URL`;
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url))
    return `${url}: only relative paths, file:// and https:// are supported`;
  if (path.isAbsolute(url)) return { kind: 'file', path: url };
  if (!baseDir) return `${url} is relative, but no registry folder was given to resolve it against`;
  return { kind: 'file', path: path.resolve(baseDir, url) };
}

/**
 * A relative resource is a file of the registry repository: it may not climb out of it (`../../etc/shadow`,
 * or a symlink committed beside it). Any local source must be a regular file: a device (`/dev/zero`) or a FIFO
 * would fill the cache or hang before the hash could refuse it.
 */
async function refuseFileSource(
  url: string,
  file: string,
  baseDir: string | undefined,
): Promise<{ code: string; message: string } | undefined> {
  const relative = !/^file:\/\//i.test(url) && !path.isAbsolute(url);
  if (relative && baseDir) {
    const root = await realpath(baseDir).catch(() => path.resolve(baseDir));
    const real = await realpath(file).catch(() => path.resolve(file));
    if (real !== root && !real.startsWith(root + path.sep)) {
      return {
        code: 'resource.outside-registry',
        message: `${url} leads to ${real}, outside the registry folder ${root}; a relative resource must be a file of the registry repository`,
      };
    }
  }
  try {
    const st = await stat(file);
    if (!st.isFile()) {
      return { code: 'resource.not-a-file', message: `${file} is not a regular file; refusing to read it` };
    }
  } catch {
    // missing: reported when it is read
  }
  return undefined;
}

function describe(label: string | undefined, url: string): string {
  return label ? `${label} (${url})` : url;
}

/** The most a fetch of `res` may transfer: its recorded size (exact), else the caller's or the default cap. */
function byteLimit(res: Resource, opts: FetchOptions): number {
  return Math.min(res.size ?? Number.POSITIVE_INFINITY, opts.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES);
}

/** Copies or downloads `src` into `tmp` (with the hardened downloader), hashing on the way; returns the hash. */
async function copyHashing(src: Source, tmp: string, maxBytes: number, opts: FetchOptions): Promise<string> {
  const limits = { ca: opts.ca, maxBytes };
  return src.kind === 'file' ? copyFileHashing(src.path, tmp, limits) : downloadToFile(src.url, tmp, limits);
}

/**
 * Returns a verified local copy of `res`. Cached copies are re-hashed on every call; a corrupt cache entry is
 * dropped and fetched again; a source that does not match its registered hash is refused.
 */
export async function fetchResource(
  res: Resource,
  opts: FetchOptions = {},
): Promise<Outcome<FetchedResource>> {
  const what = describe(opts.label, res.url);
  if (typeof res.sha256 !== 'string' || !SHA256_RE.test(res.sha256)) {
    return failed([
      error(
        'resource.bad-hash',
        `${what}: sha256 must be sha256:<64 lower-case hex>, got ${String(res.sha256)}`,
      ),
    ]);
  }
  const src = classify(res.url, opts.baseDir);
  if (typeof src === 'string')
    return failed([error('resource.bad-url', `${opts.label ? `${opts.label}: ` : ''}${src}`)]);
  if (src.kind === 'file') {
    const refused = await refuseFileSource(res.url, src.path, opts.baseDir);
    if (refused) return failed([error(refused.code, `${what}: ${refused.message}`)]);
  }
  const cacheDir = homeLayout(opts.home).resourceCache;
  const cached = path.join(cacheDir, res.sha256.slice('sha256:'.length));
  const warnings = [];
  try {
    await stat(cached);
    const got = await sha256File(cached);
    if (got === res.sha256) {
      return ok({
        path: cached,
        sha256: got,
        source: src.kind === 'file' ? src.path : src.url.href,
        cached: true,
      });
    }
    warnings.push(
      warning(
        'resource.cache-corrupt',
        `cached copy of ${what} at ${cached} was altered (${got}); fetching it again`,
      ),
    );
    await rm(cached, { force: true });
  } catch {
    // not cached yet
  }
  await mkdir(cacheDir, { recursive: true });
  const tmp = path.join(cacheDir, `.tmp-${randomBytes(8).toString('hex')}`);
  const source = src.kind === 'file' ? src.path : src.url.href;
  let got: string;
  const maxBytes = byteLimit(res, opts);
  try {
    got = await copyHashing(src, tmp, maxBytes, opts);
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof SizeLimitError) return failed([...warnings, tooLarge(what, source, res, e.limit)]);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT')
      return failed([...warnings, error('resource.missing', `${what}: ${source} does not exist`)]);
    return failed([
      ...warnings,
      error('resource.fetch-failed', `${what}: cannot fetch ${source}: ${err.message}`),
    ]);
  }
  if (got !== res.sha256) {
    await rm(tmp, { force: true });
    return failed([
      ...warnings,
      error(
        'resource.hash-mismatch',
        `${what} does not match its registered hash: expected ${res.sha256}, got ${got}. Refusing to use it; the file was changed after registration (or the registry entry is wrong).`,
      ),
    ]);
  }
  await rename(tmp, cached);
  return ok({ path: cached, sha256: got, source, cached: false }, warnings);
}

function tooLarge(what: string, source: string, res: Resource, limit: number): Diagnostic {
  const why =
    res.size === undefined
      ? `the entity records no size, so at most ${limit} bytes (${gib(limit)}) are fetched; record the file's \`size\` in the entity if it really is larger`
      : limit === res.size
        ? `the entity records ${res.size} bytes; the file was changed after registration (or the registry entry is wrong)`
        : `more than the ${limit}-byte limit of this fetch`;
  return error('resource.too-large', `${what}: ${source} sent more bytes than allowed, stopped: ${why}`);
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(bytes % 1024 ** 3 === 0 ? 0 : 2)} GiB`;
}

/** Fetches and verifies a tarball resource, then extracts it safely into `dest` (replacing it). */
export async function fetchTarball(
  res: Resource,
  dest: string,
  opts: FetchOptions & { maxExtractBytes?: number } = {},
): Promise<Outcome<ExtractResult & { sha256: string }>> {
  const fetched = await fetchResource(res, opts);
  if (!fetched.ok) return fetched;
  // Extract a private copy made while hashing, not the cache entry: the extraction reads the archive twice
  // (listing check, then unpacking), and the cache could be replaced in between.
  const target = path.resolve(dest);
  await mkdir(path.dirname(target), { recursive: true });
  const copy = `${target}.src-${randomBytes(6).toString('hex')}`;
  try {
    const bad = await copyVerified(fetched.value.path, res.sha256, copy, describe(opts.label, res.url));
    if (bad) return failed([...fetched.diagnostics, bad]);
    const extracted = await extractTarball(copy, target, {
      label: opts.label,
      maxBytes: opts.maxExtractBytes ?? DEFAULT_MAX_EXTRACT_BYTES,
    });
    if (!extracted.ok) return failed([...fetched.diagnostics, ...extracted.diagnostics]);
    return ok({ ...extracted.value, sha256: fetched.value.sha256 }, fetched.diagnostics);
  } finally {
    await rm(copy, { force: true });
  }
}

/**
 * Copies `file` to `dest` (which must not exist), hashing the bytes as they are written: the copy is exactly the
 * bytes that matched `expected`, whatever happens to `file` afterwards. A mismatch removes the copy.
 */
export async function copyVerified(
  file: string,
  expected: string,
  dest: string,
  label?: string,
): Promise<Diagnostic | undefined> {
  const hashing = sha256Tap();
  try {
    await pipeline(createReadStream(file), hashing.tap, createWriteStream(dest, { flags: 'wx' }));
  } catch (e) {
    await rm(dest, { force: true });
    return error(
      'resource.missing',
      `${label ?? file}: cannot copy ${file} (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
  const got = hashing.digest();
  if (got === expected) return undefined;
  await rm(dest, { force: true });
  return error(
    'resource.hash-mismatch',
    `${label ?? file} (${file}) changed after it was verified: expected ${expected}, got ${got}. Refusing to use it.`,
  );
}

/** Hashes a file in place and compares; returns a hash-mismatch diagnostic or undefined. */
export async function verifyFile(file: string, expected: string, label?: string) {
  let got: string;
  try {
    got = await sha256File(file);
  } catch (e) {
    return error(
      'resource.missing',
      `${label ?? file}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
  if (got === expected) return undefined;
  return error(
    'resource.hash-mismatch',
    `${label ?? file} (${file}) does not match its registered hash: expected ${expected}, got ${got}. Refusing to use it.`,
  );
}
