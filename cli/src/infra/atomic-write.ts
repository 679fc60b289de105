/**
 * Atomic writes and removals: nothing stored is ever seen half-written. A file is written to a temp file
 * in the same folder (same filesystem) and renamed over the target; a folder is built in a staging folder
 * and renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { link, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A temp name beside `file` no other writer (process or call) uses. */
function tempNameBeside(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `data` to `file` (creating its folder) through a temp file in the same folder and a rename. `mode`
 * (0o600 for a private key) is set when the temp file is created, so the content is never readable with a
 * wider mode; the temp file is created exclusively, never through a file or link already there.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = tempNameBeside(file);
  try {
    await writeFile(temp, data, { mode: options.mode, flag: 'wx' });
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** The synchronous form of `writeFileAtomic`, for synchronous callers. */
export function writeFileAtomicSync(
  file: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = tempNameBeside(file);
  try {
    writeFileSync(temp, data, { mode: options.mode, flag: 'wx' });
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}

/**
 * Writes `file` complete only when it does not exist yet: the temp file is hard-linked into place, which
 * fails when another writer got there first. Returns whether this call created it (false: it was there).
 */
export async function createFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<boolean> {
  await mkdir(dirname(file), { recursive: true });
  const temp = tempNameBeside(file);
  try {
    await writeFile(temp, data, { mode: options.mode, flag: 'wx' });
    await link(temp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(temp, { force: true });
  }
}

/** A fresh, empty staging folder under `parent` (created), named after `prefix`. */
export async function stagingDir(parent: string, prefix: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  return mkdtemp(join(parent, `${prefix}-`));
}

/**
 * Removes a folder without ever leaving it half-deleted under its own name: renames it into `trash`
 * first (one atomic step), then deletes it there.
 */
export async function removeDirAtomic(dir: string, trash: string): Promise<void> {
  await mkdir(trash, { recursive: true });
  const aside = join(trash, `${basename(dir)}-${Date.now()}-${randomBytes(4).toString('hex')}`);
  try {
    await rename(dir, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  await rm(aside, { recursive: true, force: true });
}

/**
 * Puts `staged` in place of `final` only when `final` is absent (or an empty folder), with one rename; when
 * another writer got there first, removes `staged` and returns false. For content named by what it holds
 * (a commit's snapshot), which another process may already be reading: it is never replaced.
 */
export async function placeDirOnce(staged: string, final: string): Promise<boolean> {
  await mkdir(dirname(final), { recursive: true });
  try {
    await rename(staged, final);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    await rm(staged, { recursive: true, force: true });
    return false;
  }
}

/**
 * Puts `staged` in place of `final` (replacing any previous content) with renames only. The old content is
 * moved into `trash` and deleted there: a shared folder that stays (`$GITPERF_HOME/.trash`), or by default a
 * sibling of `staged`, removed afterwards.
 */
export async function replaceDir(staged: string, final: string, trash?: string): Promise<void> {
  const aside = trash ?? `${staged}.trash`;
  try {
    await mkdir(dirname(final), { recursive: true });
    await removeDirAtomic(final, aside);
    await rename(staged, final);
  } finally {
    if (trash === undefined) await rm(aside, { recursive: true, force: true });
  }
}
