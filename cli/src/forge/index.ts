/**
 * Forge address (what a profile holds) -> Forge. The one place that knows which implementation serves
 * which kind of address, so commands never construct forges themselves.
 */
import type { Forge, ForgeAddress } from './forge.js';
import { LocalForge } from './local/local-forge.js';

export type { Forge, ForgeAddress } from './forge.js';
export type { GitHubForge } from './github/index.js';
export { LocalForge } from './local/local-forge.js';

export interface ForgeSession {
  forge: Forge;
  /** The login the forge acts as: the local profile's user, or the GitHub token's owner. */
  user: string;
}

export async function createForge(
  address: ForgeAddress,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ForgeSession> {
  if (address.forge === 'local') {
    const forge = await LocalForge.open({
      registry: address.registry,
      user: address.user,
      ...(address.signingKey ? { signingKey: address.signingKey } : {}),
    });
    return { forge, user: address.user };
  }
  // Loaded only for a GitHub profile: Octokit and its plugins cost every local command about 0.05 s.
  const { openGitHubForge } = await import('./github/index.js');
  const forge = openGitHubForge(address, env);
  return { forge, user: address.user ?? (await forge.currentUser()) };
}
