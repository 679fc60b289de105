/**
 * A fresh demo registry: `gitperf init --local --with-examples` (registry settings, the admin ada, schemas,
 * CODEOWNERS, the bare repository the local forge serves, and the example cube folders and demo tarball
 * hosted next to `registry/`, so resource URLs are the same repository-relative paths (`examples/cubes/...`)
 * as in this repository's example registry). One profile per consortium member in the demo's
 * $GITPERF_HOME, named by login.
 */
import { join } from 'node:path';
import { initRegistry, PACKAGE_EXAMPLES } from '../init/scaffold.js';
import { createProfile } from '../profile/profile.js';

export { PACKAGE_EXAMPLES };
export const REGISTRY_NAME = 'demo-consortium';
export const ADMIN = 'ada';

export interface DemoRegistry {
  /** The admin's working clone (registry files + examples). */
  clone: string;
  /** The bare repository the local forge serves. */
  bare: string;
  home: string;
}

export async function bootstrapRegistry(dir: string, home: string, logins: string[]): Promise<DemoRegistry> {
  const clone = join(dir, 'registry');
  const bare = join(dir, 'registry.git');
  await initRegistry({
    dir: clone,
    admin: ADMIN,
    name: REGISTRY_NAME,
    local: { bare, profile: ADMIN, home },
    withExamples: true,
  });
  for (const login of logins)
    if (login !== ADMIN)
      await createProfile(login, { forge: 'local', registry: bare, user: login }, { home });
  return { clone, bare, home };
}
