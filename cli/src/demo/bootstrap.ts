/**
 * A fresh demo registry: `gitperf init --local` logic (registry settings, the admin ada, schemas,
 * CODEOWNERS, the bare repository the local forge serves), then the example cube folders and the demo
 * tarball committed next to `registry/` by the admin, so resource URLs are the same repository-relative
 * paths (`examples/cubes/...`) as in this repository's example registry. One profile per consortium
 * member in the demo's $GITPERF_HOME, named by login.
 */
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { identityOf } from '../forge/local/local-forge.js';
import { commitIdentityEnvironment, runGit } from '../git/git.js';
import { initRegistry } from '../init/scaffold.js';
import { createProfile } from '../profile/profile.js';

/** The package's examples/ folder (three levels up from cli/src/demo or cli/dist/demo). */
export const PACKAGE_EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

export const REGISTRY_NAME = 'demo-consortium';
export const ADMIN = 'ada';

export interface DemoRegistry {
  /** The admin's working clone (registry files + examples). */
  clone: string;
  /** The bare repository the local forge serves. */
  bare: string;
  home: string;
}

/** What the registry repository hosts beside registry/: the cube folders and the demo tarball. */
export const HOSTED = ['cubes', join('data', 'demo', 'demo.tar.gz')];

export async function bootstrapRegistry(dir: string, home: string, logins: string[]): Promise<DemoRegistry> {
  const clone = join(dir, 'registry');
  const bare = join(dir, 'registry.git');
  await initRegistry({
    dir: clone,
    admin: ADMIN,
    name: REGISTRY_NAME,
    local: { bare, profile: ADMIN, home },
  });
  for (const rel of HOSTED) {
    await mkdir(join(clone, 'examples', rel, '..'), { recursive: true });
    await cp(join(PACKAGE_EXAMPLES, rel), join(clone, 'examples', rel), { recursive: true });
  }
  const env = commitIdentityEnvironment(identityOf(ADMIN));
  const git = (args: string[]) => runGit(args, { cwd: clone, env });
  await git(['add', 'examples']);
  await git([
    'commit',
    '--quiet',
    '--no-verify',
    '-m',
    'Host the example MLCube folders and the demo dataset\n\nResource URLs in the registry point at examples/ relative to the repository root.\n',
  ]);
  await git(['push', '--quiet', 'origin', 'main']);
  for (const login of logins)
    if (login !== ADMIN)
      await createProfile(login, { forge: 'local', registry: bare, user: login }, { home });
  return { clone, bare, home };
}
