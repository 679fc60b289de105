/** Entity files named on the command line, read from a checkout and made repository-relative. */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fail } from '../diagnostics/diagnostic.js';
import type { SubmissionFile } from '../forge/forge.js';
import { workingTreeRoot } from '../git/git.js';

/** The git checkout containing `cwd`, or `cwd` itself outside one. */
export async function checkoutRoot(cwd: string = process.cwd()): Promise<string> {
  return (await workingTreeRoot(cwd)) ?? cwd;
}

/**
 * `paths` are files on disk (relative to the current folder) submitted at their path relative to
 * `root`; `deletes` are repository paths (or files under `root`) to delete.
 */
export async function readSubmissionFiles(
  paths: string[],
  deletes: string[],
  root: string,
): Promise<SubmissionFile[]> {
  if (paths.length === 0 && deletes.length === 0)
    fail('submission.no-files', 'name at least one FILE (or --delete PATH)', {}, 2);
  const rel = (filePath: string) => {
    const relativePath = relative(root, resolve(filePath));
    if (relativePath.startsWith('..') || relativePath === '' || isAbsolute(relativePath))
      fail('submission.outside-root', `${filePath} is not inside the repository ${root}`, {}, 2);
    return relativePath.split(sep).join('/');
  };
  const files: SubmissionFile[] = [];
  for (const filePath of paths) {
    let content: string;
    try {
      content = await readFile(resolve(filePath), 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why =
        code === 'EISDIR'
          ? 'it is a folder; name the entity files in it (e.g. registry/users/LOGIN.yaml)'
          : code === 'ENOENT'
            ? 'no such file'
            : (e as Error).message;
      fail('submission.file-missing', `cannot read ${filePath}: ${why}`, { file: filePath }, 2);
    }
    files.push({ path: rel(filePath), content });
  }
  for (const deleted of deletes)
    files.push({ path: isAbsolute(deleted) ? rel(deleted) : deleted.split(sep).join('/'), content: null });
  return files;
}
