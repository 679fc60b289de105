import { entityPath } from '../../../cli/src/registry/layout.js';
import { registryBuilder } from '../../helpers/registry-builder.js';

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
