/**
 * Safe tarball extraction: the whole listing is checked before anything is written (no absolute paths, no `..`
 * entries, only files, folders and links, every link resolving inside the folder, a size cap), the archive is
 * unpacked into a fresh sibling folder, re-checked on disk, then renamed into place.
 */
import { lstat, readdir, readlink, rm } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import { replaceDir, stagingDir } from '../infra/atomic-write.js';
import { failed, type Outcome, ok } from './types.js';

export const DEFAULT_MAX_EXTRACT_BYTES = 8 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 1_000_000;

export interface ExtractOptions {
  /** Refuse archives whose files add up to more than this (default 8 GiB). */
  maxBytes?: number;
  maxEntries?: number;
  /** What the archive is, for messages (e.g. `additional files of ana/bc-logreg`). */
  label?: string;
}

export interface ExtractResult {
  dir: string;
  files: number;
  bytes: number;
}

const ALLOWED = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

function components(entryPath: string): string[] {
  return entryPath.split('/').filter((c) => c !== '' && c !== '.');
}

/** True when walking `parts` from the archive root, following the archive's own symlinks, never leaves it. */
export function staysInside(parts: string[], links: Map<string, string>): boolean {
  const cur: string[] = [];
  let queue = [...parts];
  let hops = 0;
  while (queue.length > 0) {
    const component = queue.shift() as string;
    if (component === '' || component === '.') continue;
    if (component === '..') {
      if (cur.length === 0) return false;
      cur.pop();
      continue;
    }
    cur.push(component);
    const target = links.get(cur.join('/'));
    if (target !== undefined) {
      if (++hops > 64 || target.startsWith('/')) return false;
      cur.pop();
      queue = [...target.split('/'), ...queue];
    }
  }
  return true;
}

/** Checks an archive's listing; returns the problems (empty = safe to extract). */
export async function checkTarball(
  file: string,
  opts: ExtractOptions = {},
): Promise<Outcome<{ files: number; bytes: number }>> {
  const label = opts.label ?? path.basename(file);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_EXTRACT_BYTES;
  const maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const diags: Diagnostic[] = [];
  const links = new Map<string, string>();
  const hardlinks: { at: string; target: string }[] = [];
  const entries: string[] = [];
  let bytes = 0;
  let files = 0;
  const bad = (code: string, msg: string) => {
    if (diags.length < 20) diags.push(error(code, `${label}: ${msg}; refusing to extract ${file}`));
  };
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const raw = entry.path;
        const type = entry.type as string;
        if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw))
          bad('tarball.absolute-path', `entry ${raw} has an absolute path`);
        else if (raw.split(/[\\/]/).includes('..')) bad('tarball.parent-path', `entry ${raw} contains ..`);
        else if (!ALLOWED.has(type))
          bad('tarball.entry-type', `entry ${raw} is a ${type}; only files, folders and links are allowed`);
        else {
          const entryPath = components(raw).join('/');
          if (type === 'SymbolicLink') links.set(entryPath, entry.linkpath ?? '');
          else if (type === 'Link') hardlinks.push({ at: entryPath, target: entry.linkpath ?? '' });
          else entries.push(entryPath);
          if (type !== 'Directory') files++;
          bytes += entry.size ?? 0;
          if (bytes > maxBytes) bad('tarball.too-large', `contents exceed the ${maxBytes}-byte limit`);
          if (entries.length + links.size + hardlinks.length > maxEntries)
            bad('tarball.too-many-entries', `more than ${maxEntries} entries`);
        }
        entry.resume();
      },
    });
  } catch (e) {
    return failed([
      error(
        'tarball.unreadable',
        `${label}: ${file} is not a readable tar archive (${(e as Error).message})`,
      ),
    ]);
  }
  for (const [at, target] of links) {
    if (target.startsWith('/'))
      bad('tarball.link-escape', `symlink ${at} points to the absolute path ${target}`);
    else if (!staysInside([...components(at).slice(0, -1), ...target.split('/')], links)) {
      bad('tarball.link-escape', `symlink ${at} -> ${target} leaves the extraction folder`);
    }
  }
  for (const hardlink of hardlinks) {
    if (
      hardlink.target.startsWith('/') ||
      hardlink.target.split('/').includes('..') ||
      !staysInside(components(hardlink.target), links)
    ) {
      bad(
        'tarball.link-escape',
        `hard link ${hardlink.at} -> ${hardlink.target} leaves the extraction folder`,
      );
    }
  }
  for (const entryPath of entries) {
    // An entry written through a symlink must still land inside.
    if (!staysInside(components(entryPath), links))
      bad('tarball.link-escape', `entry ${entryPath} would be written through a link leaving the folder`);
  }
  if (diags.length > 0) return failed(diags);
  return ok({ files, bytes });
}

async function walk(
  dir: string,
  root: string,
  acc: { bytes: number; files: number; problems: string[] },
): Promise<void> {
  for (const name of await readdir(dir)) {
    const entryPath = path.join(dir, name);
    const st = await lstat(entryPath);
    if (st.isSymbolicLink()) {
      const linkTarget = await readlink(entryPath);
      const resolved = path.resolve(path.dirname(entryPath), linkTarget);
      if (path.isAbsolute(linkTarget) || (resolved !== root && !resolved.startsWith(root + path.sep)))
        acc.problems.push(path.relative(root, entryPath));
    } else if (st.isDirectory()) await walk(entryPath, root, acc);
    else if (st.isFile()) {
      acc.files++;
      acc.bytes += st.size;
    } else acc.problems.push(path.relative(root, entryPath));
  }
}

/**
 * Extracts a (gzip-compressed or plain) tar archive into `dest`, replacing what was there. Nothing is written
 * unless the whole listing passed `checkTarball`.
 */
export async function extractTarball(
  file: string,
  dest: string,
  opts: ExtractOptions = {},
): Promise<Outcome<ExtractResult>> {
  const label = opts.label ?? path.basename(file);
  const checked = await checkTarball(file, opts);
  if (!checked.ok) return checked;
  const target = path.resolve(dest);
  // Extracted beside `target` and swapped in by renames: a reader never finds a half-deleted old folder.
  const tmp = await stagingDir(path.dirname(target), `${path.basename(target)}.tmp`);
  try {
    await tar.x({ file, cwd: tmp, strict: true, preservePaths: false, preserveOwner: false, unlink: true });
    const acc = { bytes: 0, files: 0, problems: [] as string[] };
    await walk(tmp, tmp, acc);
    if (acc.problems.length > 0) {
      return failed([
        error(
          'tarball.link-escape',
          `${label}: ${acc.problems.join(', ')} would leave the folder; refusing ${file}`,
        ),
      ]);
    }
    if (acc.bytes > (opts.maxBytes ?? DEFAULT_MAX_EXTRACT_BYTES)) {
      return failed([
        error('tarball.too-large', `${label}: extracted contents exceed the size limit; refusing ${file}`),
      ]);
    }
    await replaceDir(tmp, target);
    return ok({ dir: target, files: acc.files, bytes: acc.bytes });
  } catch (e) {
    return failed([
      error('tarball.extract-failed', `${label}: could not extract ${file}: ${(e as Error).message}`),
    ]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
