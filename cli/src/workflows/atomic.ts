/** Atomic writes and removals: nothing stored is ever seen half-written. */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';

/**
 * Write `data` to `file` through a temp file in the same folder and a rename. `mode` (e.g. 0o600 for a
 * private key) is set when the temp file is created, so the content is never readable with a wider mode.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data, { mode: options.mode, flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** YAML as the registry writes it (NaN becomes `.nan`, which the registry schemas allow for metrics). */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

export async function writeYamlAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, toYaml(value));
}

/** A fresh, empty staging folder under `parent` (created), named after `prefix`. */
export async function stagingDir(parent: string, prefix: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  return mkdtemp(join(parent, `${prefix}-`));
}

/**
 * Remove a folder without ever leaving it half-deleted under its own name: rename it into `trash`
 * first (one atomic step), then delete it there.
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

/** Put `staged` in place of `final` (replacing any previous content) with renames only. */
export async function replaceDir(staged: string, final: string, trash: string): Promise<void> {
  await mkdir(dirname(final), { recursive: true });
  await removeDirAtomic(final, trash);
  await rename(staged, final);
}
