import { sha256Bytes, sha256File } from '../infra/sha256.js';

/**
 * Digest of a folder tree (sorted relative paths; files by content, links by target, folders by name), used to
 * notice extracted additional files edited between materialisation and a run.
 */
export async function treeDigest(root: string): Promise<string> {
  const { lstat, readdir, readlink } = await import('node:fs/promises');
  const path = await import('node:path');
  const lines: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const absolute = path.join(dir, name);
      const relative = rel ? `${rel}/${name}` : name;
      const st = await lstat(absolute);
      if (st.isSymbolicLink())
        lines.push(`L ${JSON.stringify(relative)} ${JSON.stringify(await readlink(absolute))}`);
      else if (st.isDirectory()) {
        lines.push(`D ${JSON.stringify(relative)}`);
        await walk(absolute, relative);
      } else lines.push(`F ${JSON.stringify(relative)} ${await sha256File(absolute)}`);
    }
  };
  await walk(root, '');
  return sha256Bytes(lines.join('\n'));
}
