/**
 * A hash of gitperf's own modules in some folders (compiled or source, whichever runs): part of the key of a
 * cache whose entries that code decides (a leaderboard page, a signature verdict), so a changed rule, even in
 * a development build, never reuses an entry the old code made. Reads each folder once per process (~1 ms).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const memo = new Map<string, string>();

/** The hash of every module under `cli/{dist,src}/<folder>/` for the folders named (`trust`, `registry` ...). */
export function codeFingerprint(folders: readonly string[]): string {
  const key = folders.join('\0');
  const known = memo.get(key);
  if (known) return known;
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const hash = createHash('sha256');
  const addFolder = (folder: string): void => {
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) addFolder(path);
      else if (/\.[cm]?[jt]s$/.test(name) && !name.endsWith('.map')) {
        hash.update(`${path.slice(root.length)}\0`);
        hash.update(readFileSync(path));
        hash.update('\0');
      }
    }
  };
  for (const folder of folders) addFolder(join(root, folder));
  const digest = hash.digest('hex');
  memo.set(key, digest);
  return digest;
}
