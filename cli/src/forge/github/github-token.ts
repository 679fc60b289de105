import { fail } from '../../diagnostics/diagnostic.js';

/**
 * The GitHub token comes from the environment only (never from config files, so it is not committed or
 * copied by accident). GITHUB_TOKEN wins over GH_TOKEN, the order the GitHub CLI uses.
 */
export function readGitHubToken(env: Record<string, string | undefined> = process.env): string {
  for (const name of ['GITHUB_TOKEN', 'GH_TOKEN']) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return fail(
    'github.token-missing',
    'No GitHub token: set GITHUB_TOKEN (or GH_TOKEN) to a token with contents, pull-requests and statuses ' +
      'write access to the registry repository, for example `export GITHUB_TOKEN=$(gh auth token)`.',
  );
}

const SLUG = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/** Splits a profile's `OWNER/NAME` into its parts, refusing anything GitHub would not accept as a repository. */
export function parseRepoSlug(slug: string): { owner: string; repo: string } {
  const match = SLUG.exec(slug.trim());
  if (!match || match[2] === '.' || match[2] === '..') {
    return fail(
      'github.repo-invalid',
      `"${slug}" is not a GitHub repository: write it as OWNER/NAME, for example medperf/registry.`,
    );
  }
  return { owner: match[1], repo: match[2] };
}
