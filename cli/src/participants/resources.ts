/**
 * Turning what a submitter names on the command line (a URL or a path) into a registry Resource
 * `{url, sha256, size}`: the file is fetched, hashed and measured now (the size caps every later download), and the URL recorded is one every participant can
 * resolve. A path that exists in the registry repository (at the base commit) is recorded relative to the
 * repository root, like the example registry's `examples/cubes/...`; any other local file is recorded as a
 * `file://` URL, with a warning that only this machine can reach it; http(s) URLs are downloaded and kept.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Diagnostic, fail, warning } from '../diagnostics/diagnostic.js';
import { downloadToFile } from '../infra/download.js';
import { sha256File } from '../infra/sha256.js';
import type { Resource } from '../registry/types.generated.js';

export interface ResolvedResource {
  resource: Resource;
  /** A local copy with exactly these bytes (the repository file, the given file, or a download). */
  path: string;
  diagnostics: Diagnostic[];
}

export interface ResolveOptions {
  /** Root of the registry repository at the base commit (snapshot). */
  repoRoot: string;
  /** Folder relative paths are taken from (default: cwd). */
  cwd?: string;
  /** Where downloads go. */
  tmpDir: string;
  /** What it is, for messages: `manifest`. */
  label: string;
}

const isFile = async (p: string) => (await stat(p).catch(() => undefined))?.isFile() ?? false;

export async function resolveResource(given: string, options: ResolveOptions): Promise<ResolvedResource> {
  if (/^https?:\/\//i.test(given)) return download(given, options);
  if (/^file:\/\//i.test(given)) {
    const filePath = fileURLToPath(given);
    if (!(await isFile(filePath)))
      fail('resource.missing', `${options.label}: ${filePath} does not exist or is not a file`);
    return {
      resource: { url: given, ...(await hashAndSize(filePath)) },
      path: filePath,
      diagnostics: [unreachable(options.label, given)],
    };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given))
    fail('resource.bad-url', `${options.label}: ${given}: only paths, file:// and https:// are supported`);
  const cwd = options.cwd ?? process.cwd();
  const local = resolve(cwd, given);
  // A relative path naming a file of the registry repository is recorded as that repository path.
  if (!isAbsolute(given)) {
    const inRepo = resolve(options.repoRoot, given);
    const rel = relative(options.repoRoot, inRepo);
    if (!rel.startsWith('..') && !isAbsolute(rel) && (await isFile(inRepo))) {
      const { sha256, size } = await hashAndSize(inRepo);
      const diagnostics: Diagnostic[] = [];
      if ((await isFile(local)) && local !== inRepo && (await sha256File(local)) !== sha256)
        diagnostics.push(
          warning(
            'resource.differs-from-registry',
            `${options.label}: your ${given} differs from the registry repository's copy; the registry's copy (${sha256}) is what gets registered`,
          ),
        );
      return { resource: { url: rel.split(sep).join('/'), sha256, size }, path: inRepo, diagnostics };
    }
  }
  if (!(await isFile(local)))
    fail(
      'resource.missing',
      `${options.label}: ${given} is neither a file here (${local}) nor a file of the registry repository; give a path, a file:// or an https:// URL`,
    );
  const url = pathToFileURL(local).href;
  return {
    resource: { url, ...(await hashAndSize(local)) },
    path: local,
    diagnostics: [unreachable(options.label, url)],
  };
}

/** The hash and the size of a local file, recorded together: the size caps every later download of it. */
async function hashAndSize(file: string): Promise<{ sha256: string; size: number }> {
  const sha256 = await sha256File(file);
  return { sha256, size: (await stat(file)).size };
}

function unreachable(label: string, url: string): Diagnostic {
  return warning(
    'resource.local-only',
    `${label}: ${url} is a file on this machine only; other participants cannot fetch it. Publish it at an https:// URL or in the registry repository for real use`,
  );
}

/** Downloads with the hardened downloader (size cap, idle timeout, no https→http redirect), hashing on the way. */
async function download(url: string, options: ResolveOptions): Promise<ResolvedResource> {
  await mkdir(options.tmpDir, { recursive: true });
  const file = join(options.tmpDir, `download-${randomBytes(6).toString('hex')}`);
  try {
    const sha256 = await downloadToFile(url, file);
    return { resource: { url, sha256, size: (await stat(file)).size }, path: file, diagnostics: [] };
  } catch (e) {
    await rm(file, { force: true });
    fail('resource.fetch-failed', `${options.label}: cannot fetch ${url}: ${(e as Error).message}`);
  }
}
