/**
 * The local runner's code folder: where MLCube builds the cube's image from (`docker.build_context`, relative to
 * the manifest's folder), or, when none is declared, the standard MLCube layout's `../project` beside the
 * `mlcube/` folder. The local runner binds it read-only, so `python3 ../project/mlcube.py` is found inside the
 * sandbox, and folder cubes record its tree digest with their other hashes.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Manifest } from './manifest.js';

/**
 * The code folder as the manifest names it (`lexical`, e.g. `<root>/../project`, which may be or pass through a
 * link) and its real path, or undefined when the cube has none besides its own folder.
 */
export async function localCodeFolder(
  manifest: Manifest,
): Promise<{ lexical: string; real: string } | undefined> {
  if (manifest.format !== 'mlcube') return undefined;
  const declared = manifest.docker?.buildContext;
  const candidate =
    declared && declared !== '.'
      ? path.resolve(manifest.root, declared)
      : path.resolve(manifest.root, '..', 'project');
  if (
    !(await stat(candidate).then(
      (st) => st.isDirectory(),
      () => false,
    ))
  )
    return undefined;
  const code = await realpath(candidate);
  const root = await realpath(manifest.root).catch(() => manifest.root);
  // The cube's folder is bound already; an ancestor of it (`..`, `/`) is not a code folder to expose.
  if (code === root || root.startsWith(code + path.sep) || code === path.parse(code).root) return undefined;
  return { lexical: candidate, real: code };
}

/**
 * Where a registered cube's code (`spec.code`) belongs, relative to the manifest's folder: the declared
 * `docker.build_context` when it lies outside that folder (`../project`, MLCube's standard layout), else `.`
 * (the manifest's own folder, as the examples' `python3 project/mlcube.py`). `mlcube submit` packs that folder,
 * and the local runner lays the verified code out there again.
 */
export function registeredCodeFolder(manifest: Manifest): string {
  const declared = manifest.format === 'mlcube' ? manifest.docker?.buildContext : undefined;
  if (!declared || declared === '.') return '.';
  const relative = path.normalize(declared);
  return relative.startsWith(`..${path.sep}`) ? relative : '.';
}
