import { stringify } from 'yaml';
import { makeBareRegistry } from '../../forge/local/helpers.js';

export function userYaml(login: string, admin = false): string {
  return stringify({
    apiVersion: 'gitperf/v1',
    kind: 'User',
    metadata: { name: login },
    spec: admin ? { roles: ['admin'] } : {},
  });
}

/** A bare registry with the demo consortium's admin `ada` and users `ana`, `raj`, `lee` on main. */
export function makeConsortium() {
  return makeBareRegistry({
    'registry/registry.yaml': stringify({
      apiVersion: 'gitperf/v1',
      kind: 'Registry',
      metadata: { name: 'demo-consortium' },
      spec: { bots: ['gitperf-bot'], defaultBranch: 'main' },
    }),
    'registry/users/ada.yaml': userYaml('ada', true),
    'registry/users/ana.yaml': userYaml('ana'),
    'registry/users/raj.yaml': userYaml('raj'),
    'registry/users/lee.yaml': userYaml('lee'),
  });
}
