import { describe, expect, it } from 'vitest';
import { GitperfError } from '../../../cli/src/diagnostics/diagnostic.js';
import { parseRepoSlug, readGitHubToken } from '../../../cli/src/forge/github/github-token.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GitperfError);
    return (e as GitperfError).diagnostic.code;
  }
  throw new Error('expected a GitperfError');
}

describe('readGitHubToken', () => {
  it('reads GITHUB_TOKEN first, then GH_TOKEN, trimming whitespace', () => {
    expect(readGitHubToken({ GITHUB_TOKEN: 'ghp_a', GH_TOKEN: 'ghp_b' })).toBe('ghp_a');
    expect(readGitHubToken({ GH_TOKEN: ' ghp_b\n' })).toBe('ghp_b');
    expect(readGitHubToken({ GITHUB_TOKEN: '  ', GH_TOKEN: 'ghp_b' })).toBe('ghp_b');
  });

  it('says what to set when neither is present', () => {
    expect(codeOf(() => readGitHubToken({}))).toBe('github.token-missing');
    try {
      readGitHubToken({ GITHUB_TOKEN: '' });
    } catch (e) {
      expect((e as GitperfError).message).toMatch(/set GITHUB_TOKEN \(or GH_TOKEN\)/);
    }
  });
});

describe('parseRepoSlug', () => {
  it('splits OWNER/NAME', () => {
    expect(parseRepoSlug('medperf/registry')).toEqual({ owner: 'medperf', repo: 'registry' });
    expect(parseRepoSlug('mlcommons/medperf.registry-2')).toEqual({
      owner: 'mlcommons',
      repo: 'medperf.registry-2',
    });
  });

  it('refuses what GitHub would not accept', () => {
    for (const bad of ['registry', 'a/b/c', '/b', 'a/', 'a b/c', 'a/..', '-a/b']) {
      expect(codeOf(() => parseRepoSlug(bad))).toBe('github.repo-invalid');
    }
  });
});
