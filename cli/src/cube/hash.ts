import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { sha256Bytes, sha256File } from '../infra/sha256.js';

/**
 * Digest of a folder tree (sorted relative paths; files by content, links by target, folders by name), used to
 * notice extracted additional files edited between materialisation and a run.
 */
export async function treeDigest(root: string): Promise<string> {
  const lines: string[] = [];
  // Listing and links are read synchronously: a cube's folders are checked before every task, and each trip
  // through libuv's thread pool costs more than these calls (file contents: sha256File).
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of readdirSync(dir).sort()) {
      const absolute = path.join(dir, name);
      const relative = rel ? `${rel}/${name}` : name;
      const st = lstatSync(absolute);
      if (st.isSymbolicLink())
        lines.push(`L ${JSON.stringify(relative)} ${JSON.stringify(readlinkSync(absolute))}`);
      else if (st.isDirectory()) {
        lines.push(`D ${JSON.stringify(relative)}`);
        await walk(absolute, relative);
      } else lines.push(`F ${JSON.stringify(relative)} ${await sha256File(absolute)}`);
    }
  };
  await walk(root, '');
  return sha256Bytes(lines.join('\n'));
}
