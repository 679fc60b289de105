import { join } from 'node:path';
import { LocalForge, type LocalForgeOptions } from '../../../cli/src/forge/local/local-forge.js';
import { resultRef } from '../../../cli/src/registry/kinds.js';
import { entityPath, REGISTRY_DIR } from '../../../cli/src/registry/layout.js';
import { localContext, type SubmissionContext } from '../../../cli/src/submission/index.js';
import { type BareRepository, registryBuilder } from '../../helpers/registry-builder.js';

export function userYaml(login: string, admin = false): string {
  const builder = registryBuilder().user(login, admin ? { roles: ['admin'] } : {});
  return builder.registryFiles()[entityPath('User', login)];
}

/** A bare registry with the demo consortium's admin `ada` and users `ana`, `raj`, `lee` on main. */
export function makeConsortium() {
  return registryBuilder()
    .registry('demo-consortium', { defaultBranch: 'main' })
    .user('ada', { roles: ['admin'] })
    .user('ana')
    .user('raj')
    .user('lee')
    .bareRepository();
}

/**
 * The two ways a local forge reaches its registry (as in test/forge/local/race.test.ts): the bare
 * repository's path, or a git URL with a cache clone per user.
 */
export const localForgeKinds: LocalForgeKind[] = [
  {
    kind: 'served from the bare repository path',
    registryOf: (reg: BareRepository) => reg.bare,
    cacheDirOf: (_reg: BareRepository, _user: string): string | undefined => undefined,
  },
  {
    kind: 'over a git URL (each user in its own clone)',
    registryOf: (reg: BareRepository) => `file://${reg.bare}`,
    cacheDirOf: (reg: BareRepository, user: string): string | undefined => join(reg.dir, `cache-${user}.git`),
  },
];

export interface LocalForgeKind {
  kind: string;
  registryOf: (reg: BareRepository) => string;
  cacheDirOf: (reg: BareRepository, user: string) => string | undefined;
}

export type BeforeRefUpdate = LocalForgeOptions['beforeRefUpdate'];

/**
 * A submission context acting as `user` on a local forge of that kind; with `hook`, a forge that runs it
 * right before each ref transaction (its own cache clone, so it races the others for real).
 */
export async function localForgeContext(
  forgeKind: LocalForgeKind,
  reg: BareRepository,
  user: string,
  hook?: BeforeRefUpdate,
): Promise<SubmissionContext> {
  const cacheDir = forgeKind.cacheDirOf(reg, hook ? `${user}-hooked` : user);
  const forge = await LocalForge.open({
    registry: forgeKind.registryOf(reg),
    user,
    ...(cacheDir ? { cacheDir } : {}),
    ...(hook ? { beforeRefUpdate: hook } : {}),
  });
  return localContext(forge, forge.localRepository, user);
}

const RESULT_REF = resultRef('bc', 'lee/d1', 'ana/bc-logreg');

/**
 * The consortium: ana's benchmark and cubes, lee's dataset (associated) and runner lee/r1 serving it, with
 * standing consent (so lee's results from it merge once the policy passes, without lee's own review).
 */
export function runnerConsortium() {
  return registryBuilder()
    .registry('demo-consortium', { defaultBranch: 'main' })
    .user('ada', { roles: ['admin'] })
    .user('ana')
    .user('lee')
    .mlcube('ana', 'bc-prep')
    .mlcube('ana', 'bc-logreg')
    .mlcube('ana', 'bc-metrics')
    .benchmark('bc', 'ana')
    .dataset('lee', 'd1')
    .datasetAssociation('bc', 'lee/d1')
    .runner('lee', 'r1', { datasets: ['lee/d1'], consent: 'standing' });
}

/** Lee's result of the reference model on lee/d1, computed by runner lee/r1. */
export function resultFile() {
  const builder = runnerConsortium().result('bc', 'lee/d1', 'ana/bc-logreg');
  const result = builder.get('Result', RESULT_REF);
  if (!result) throw new Error('no result');
  result.spec.execution.runnerRef = 'lee/r1';
  const path = entityPath('Result', RESULT_REF);
  return { path: `${REGISTRY_DIR}/${path}`, content: builder.entity(result).registryFiles()[path] };
}

/** Lee's runner lee/r1, no longer serving lee/d1. */
export function runnerEditFile() {
  const path = entityPath('Runner', 'lee/r1');
  const content = runnerConsortium()
    .runner('lee', 'r1', { datasets: [], consent: 'standing' })
    .registryFiles()[path];
  return { path: `${REGISTRY_DIR}/${path}`, content };
}
