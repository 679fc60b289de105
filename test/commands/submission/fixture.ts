import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMemberKey } from '../../../cli/src/profile/profile.js';
import { entityPath } from '../../../cli/src/registry/layout.js';
import { registryBuilder } from '../../helpers/registry-builder.js';

export function userYaml(login: string, admin = false): string {
  const builder = registryBuilder().user(login, admin ? { roles: ['admin'] } : {});
  return builder.registryFiles()[entityPath('User', login)];
}

/**
 * This test process's `$GITPERF_HOME` (a fresh temporary folder unless the test set one): the local forge
 * signs each member's reviews with their key there, never with the tester's own `~/.gitperf`.
 */
export function testHome(): string {
  process.env.GITPERF_HOME ||= mkdtempSync(join(tmpdir(), 'gitperf-test-home-'));
  return process.env.GITPERF_HOME;
}

/** The public key line of `login`'s signing key in the test home (made on first use). */
export async function memberKey(login: string): Promise<string> {
  return (await ensureMemberKey(login, testHome())).publicKeyLine;
}

/**
 * A bare registry with the demo consortium's admin `ada` and users `ana`, `raj`, `lee` on main, each
 * registering the key the local forge signs their reviews with.
 */
export async function makeConsortium() {
  const [ada, ana, raj, lee] = await Promise.all(['ada', 'ana', 'raj', 'lee'].map(memberKey));
  return registryBuilder()
    .registry('demo-consortium', { defaultBranch: 'main' })
    .user('ada', { roles: ['admin'], sshKeys: [ada] })
    .user('ana', { sshKeys: [ana] })
    .user('raj', { sshKeys: [raj] })
    .user('lee', { sshKeys: [lee] })
    .bareRepository();
}
