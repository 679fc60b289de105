/**
 * A registered cube's code for the local runner (`spec.code`): a tar archive, fetched and verified like every
 * other resource, or — for a URL ending in `/` — a folder (of the registry repository, or `file://`) that gitperf
 * packs into a canonical tar and verifies by that archive's sha256. The canonical tar depends only on the
 * folder's names, contents, link targets and executable bits (sorted entries, mtime 0, no owners, modes 0755 or
 * 0644), so every participant packing the same checkout gets the same hash, and `mlcube submit` can record it
 * without publishing a file.
 */
import { randomBytes } from 'node:crypto';
import {
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { error } from '../diagnostics/diagnostic.js';
import { homeLayout } from '../infra/gitperf-home.js';
import { SHA256_RE, sha256Bytes, sha256File } from '../infra/sha256.js';
import { MANIFEST_FILES } from './manifest.js';
import { type FetchedResource, type FetchOptions, fetchResource } from './resources.js';
import { failed, type Outcome, ok, type Resource } from './types.js';

/** Code folders are source, not data: anything larger belongs in additional files or an image. */
export const MAX_CODE_BYTES = 256 * 1024 ** 2;

/**
 * Top-level names a code archive never holds: the verified manifest and workspace come from their own
 * resources, and dot-entries (`.git`, gitperf's own `.gitperf-cube.json`, `.local`) are not code.
 */
export function excludedFromCode(name: string): boolean {
  return (MANIFEST_FILES as readonly string[]).includes(name) || name === 'workspace' || name.startsWith('.');
}

/** How a code URL names a folder (packed canonically) rather than an archive file: it ends in `/`. */
export const CODE_FOLDER_URL_SUFFIX = '/';

export function isFolderUrl(url: string): boolean {
  return url.endsWith(CODE_FOLDER_URL_SUFFIX);
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One ustar header; long names use the prefix field, and names that fit neither are refused by the caller. */
function header(name: string, type: '0' | '2' | '5', size: number, mode: number, link = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 2);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  block.write(base, 0, 100, 'utf8');
  block.write(octal(mode, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(0, 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write(link, 157, 100, 'utf8');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

function fits(name: string): boolean {
  if (Buffer.byteLength(name) <= 100) return true;
  const cut = name.lastIndexOf('/', name.length - 2);
  return (
    cut > 0 && Buffer.byteLength(name.slice(0, cut)) <= 155 && Buffer.byteLength(name.slice(cut + 1)) <= 100
  );
}

/**
 * The canonical tar of a code folder (without the excluded top-level names), or why it cannot be packed
 * (an entry that is neither file, folder nor link, a name too long for ustar, more than MAX_CODE_BYTES).
 */
export async function packCodeFolder(dir: string): Promise<Outcome<Buffer>> {
  const parts: Buffer[] = [];
  let total = 0;
  const problems: string[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const name of (await readdir(abs)).sort()) {
      if (!rel && excludedFromCode(name)) continue;
      const absolute = path.join(abs, name);
      const relative = rel ? `${rel}/${name}` : name;
      const st = await lstat(absolute);
      if (st.isSymbolicLink()) {
        const target = await readlink(absolute);
        // The archive must hold the code itself: a link out of the folder would dangle (or be refused) once extracted.
        const lands = path.posix.normalize(path.posix.join(path.posix.dirname(relative), target));
        if (path.posix.isAbsolute(target) || lands === '..' || lands.startsWith('../'))
          problems.push(`${relative} (a link to ${target}, outside the folder)`);
        else if (!fits(relative) || Buffer.byteLength(target) > 100)
          problems.push(`${relative} (name or link target too long)`);
        else parts.push(header(relative, '2', 0, 0o777, target));
      } else if (st.isDirectory()) {
        if (!fits(`${relative}/`)) problems.push(`${relative} (name too long)`);
        else parts.push(header(`${relative}/`, '5', 0, 0o755));
        await walk(absolute, relative);
      } else if (st.isFile()) {
        total += st.size;
        if (total > MAX_CODE_BYTES) {
          problems.push(`more than ${MAX_CODE_BYTES} bytes in all`);
          return;
        }
        if (!fits(relative)) {
          problems.push(`${relative} (name too long)`);
          continue;
        }
        const body = await readFile(absolute);
        parts.push(header(relative, '0', body.length, st.mode & 0o111 ? 0o755 : 0o644), body);
        const pad = (BLOCK - (body.length % BLOCK)) % BLOCK;
        if (pad) parts.push(Buffer.alloc(pad));
      } else problems.push(`${relative} (neither a file, a folder nor a link)`);
    }
  };
  try {
    await walk(dir, '');
  } catch (e) {
    return failed([
      error('cube.code-unreadable', `cannot read the code folder ${dir}: ${(e as Error).message}`),
    ]);
  }
  if (problems.length > 0) {
    return failed([
      error(
        'cube.code-unpackable',
        `the code folder ${dir} cannot be packed: ${problems.slice(0, 5).join(', ')}`,
      ),
    ]);
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return ok(Buffer.concat(parts));
}

/** `sha256:<hex>` of the canonical tar of a code folder (what `spec.code.sha256` records for a folder URL). */
export async function codeFolderHash(dir: string): Promise<Outcome<string>> {
  const packed = await packCodeFolder(dir);
  if (!packed.ok) return packed;
  return ok(sha256Bytes(packed.value));
}

/** The folder a folder URL names: relative ones must stay inside the registry folder (links resolved). */
async function folderOf(
  url: string,
  baseDir: string | undefined,
): Promise<string | { code: string; message: string }> {
  if (/^file:\/\//i.test(url)) return fileURLToPath(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url))
    return { code: 'resource.bad-url', message: `${url}: a code folder is a registry path or a file:// URL` };
  if (path.isAbsolute(url)) return url;
  if (!baseDir)
    return { code: 'resource.bad-url', message: `${url} is relative, but no registry folder was given` };
  const root = await realpath(baseDir).catch(() => path.resolve(baseDir));
  const real = await realpath(path.resolve(baseDir, url)).catch(() => path.resolve(baseDir, url));
  if (real !== root && !real.startsWith(root + path.sep))
    return {
      code: 'resource.outside-registry',
      message: `${url} leads to ${real}, outside the registry folder ${root}`,
    };
  return real;
}

/**
 * A verified local copy of a code resource, in the resource cache: an archive like any resource; a folder packed
 * into its canonical tar, refused when that tar's sha256 is not the registered one.
 */
export async function fetchCode(res: Resource, opts: FetchOptions = {}): Promise<Outcome<FetchedResource>> {
  if (!isFolderUrl(res.url)) return fetchResource(res, opts);
  const what = `${opts.label ?? 'code'} (${res.url})`;
  if (typeof res.sha256 !== 'string' || !SHA256_RE.test(res.sha256))
    return failed([error('resource.bad-hash', `${what}: sha256 must be sha256:<64 lower-case hex>`)]);
  const cacheDir = homeLayout(opts.home).resourceCache;
  const cached = path.join(cacheDir, res.sha256.slice('sha256:'.length));
  if ((await sha256File(cached).catch(() => undefined)) === res.sha256)
    return ok({ path: cached, sha256: res.sha256, source: res.url, cached: true });
  const folder = await folderOf(res.url, opts.baseDir);
  if (typeof folder !== 'string') return failed([error(folder.code, `${what}: ${folder.message}`)]);
  if (
    !(await stat(folder).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return failed([error('resource.missing', `${what}: ${folder} is not a folder`)]);
  const packed = await packCodeFolder(folder);
  if (!packed.ok) return packed;
  const got = sha256Bytes(packed.value);
  if (got !== res.sha256) {
    return failed([
      error(
        'resource.hash-mismatch',
        `${what} does not match its registered hash: expected ${res.sha256}, got ${got} for the code in ${folder}. Refusing to run it; the code was changed after registration (or the registry entry is wrong).`,
      ),
    ]);
  }
  await mkdir(cacheDir, { recursive: true });
  const tmp = path.join(cacheDir, `.tmp-${randomBytes(8).toString('hex')}`);
  await writeFile(tmp, packed.value);
  await rename(tmp, cached).catch(async (renameError) => {
    await rm(tmp, { force: true });
    throw renameError;
  });
  return ok({ path: cached, sha256: got, source: folder, cached: false });
}
