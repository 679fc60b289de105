/**
 * Profile -> Forge. The one place that knows which implementation serves which kind of profile, so
 * commands never construct forges themselves.
 */
import type { Profile } from '../profile/profile.js';
import type { Forge } from './forge.js';
import { openGitHubForge } from './github/index.js';
import { LocalForge } from './local/local-forge.js';

export type { Forge } from './forge.js';
export { GitHubForge } from './github/index.js';
export { LocalForge } from './local/local-forge.js';

export interface ForgeSession {
  forge: Forge;
  /** The login the forge acts as: the local profile's user, or the GitHub token's owner. */
  user: string;
}

export async function createForge(
  profile: Profile,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ForgeSession> {
  if (profile.forge === 'local') {
    const forge = await LocalForge.open({ registry: profile.registry, user: profile.user });
    return { forge, user: profile.user };
  }
  const forge = openGitHubForge(profile, env);
  return { forge, user: profile.user ?? (await forge.currentUser()) };
}
