import { GitHubForge, type GitHubForgeOptions } from './github-forge.js';
import { parseRepoSlug, readGitHubToken } from './github-token.js';

export { toGitperfError } from './github-errors.js';
export { branchNameFor, GitHubForge, type GitHubForgeOptions, MAX_BODY_CHARS } from './github-forge.js';
export { parseRepoSlug, readGitHubToken } from './github-token.js';

/**
 * The forge a `{forge: github, repo: OWNER/NAME, baseUrl?}` profile names, with the token from
 * GITHUB_TOKEN or GH_TOKEN. Fails with `github.repo-invalid` or `github.token-missing` before any request.
 */
export function openGitHubForge(
  profile: { repo: string; baseUrl?: string },
  env: Record<string, string | undefined> = process.env,
  extra: Pick<GitHubForgeOptions, 'fetch' | 'tuning'> = {},
): GitHubForge {
  const { owner, repo } = parseRepoSlug(profile.repo);
  return new GitHubForge({ owner, repo, token: readGitHubToken(env), baseUrl: profile.baseUrl, ...extra });
}
