import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitperfError } from '../../cli/src/diagnostics/diagnostic.js';
import { createForge } from '../../cli/src/forge/index.js';
import {
  configPath,
  createProfile,
  githubToken,
  loadConfig,
  resolveProfile,
  useProfile,
} from '../../cli/src/profile/profile.js';
import { codeOf } from '../helpers/errors.js';

describe('profiles', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'gitperf-home-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('creates profiles, makes the first current, switches, and resolves flag > env > current', async () => {
    await createProfile('ana', { forge: 'local', registry: 'rel/reg.git', user: 'ana' }, { home });
    await createProfile('gh', { forge: 'github', repo: 'medperf/registry' }, { home });
    let config = await loadConfig(home);
    expect(config.current).toBe('ana');
    // Relative registry paths are stored absolute so the profile works from anywhere.
    expect(config.profiles.ana).toEqual({
      forge: 'local',
      registry: join(process.cwd(), 'rel/reg.git'),
      user: 'ana',
    });
    config = await useProfile('gh', home);
    expect(config.current).toBe('gh');
    expect((await resolveProfile(undefined, { home, env: {} })).name).toBe('gh');
    expect((await resolveProfile(undefined, { home, env: { GITPERF_PROFILE: 'ana' } })).name).toBe('ana');
    expect((await resolveProfile('ana', { home, env: { GITPERF_PROFILE: 'gh' } })).name).toBe('ana');
    // Writes are atomic: no temp files are left behind. The local profile's member got a signing key.
    expect(await readdir(home)).toEqual(['config.yaml', 'keys']);
    expect((await readdir(join(home, 'keys', 'users'))).sort()).toEqual(['ana', 'ana.pub']);
    expect((await stat(join(home, 'keys', 'users', 'ana'))).mode & 0o777).toBe(0o600);
  });

  it('refuses duplicates unless replacing, bad shapes, and unknown names', async () => {
    await createProfile('ana', { forge: 'local', registry: '/r', user: 'ana' }, { home });
    expect(
      await codeOf(createProfile('ana', { forge: 'local', registry: '/r', user: 'ana' }, { home })),
    ).toBe('profile.exists');
    await createProfile('ana', { forge: 'local', registry: '/r2', user: 'ana' }, { home, replace: true });
    expect((await loadConfig(home)).profiles.ana).toMatchObject({ registry: '/r2' });
    // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed input
    expect(await codeOf(createProfile('x', { forge: 'github', repo: 'no-slash' } as any, { home }))).toBe(
      'profile.invalid',
    );
    expect(
      await codeOf(createProfile('bad name', { forge: 'local', registry: '/r', user: 'a' }, { home })),
    ).toBe('profile.name-invalid');
    expect(await codeOf(useProfile('nope', home))).toBe('profile.unknown');
    expect(await codeOf(resolveProfile('nope', { home, env: {} }))).toBe('profile.unknown');
  });

  it('says how to create a profile when there is none, and names a malformed config file', async () => {
    expect(await codeOf(resolveProfile(undefined, { home, env: {} }))).toBe('profile.none');
    await writeFile(configPath(home), 'profiles:\n  a: {forge: ftp}\n');
    expect(await codeOf(loadConfig(home))).toBe('profile.invalid');
    await writeFile(configPath(home), 'profiles: [\n');
    expect(await codeOf(loadConfig(home))).toBe('profile.config-invalid');
  });

  it('points a YAML error of the config at its line; bad names and shapes are usage errors (exit 2)', async () => {
    await writeFile(configPath(home), 'current: a\nprofiles:\n  a: {forge: local\n  b: 1\n');
    const e = await loadConfig(home).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GitperfError);
    const d = (e as GitperfError).diagnostic;
    expect(d).toMatchObject({ code: 'profile.config-invalid', file: configPath(home), line: 4 });
    expect(d.message).not.toMatch(/at line \d+/); // the position is in the diagnostic, not repeated
    expect(d.message).toMatch(/; fix or delete the file$/);
    await rm(configPath(home));
    const bad = await createProfile(
      'bad name',
      { forge: 'local', registry: '/r', user: 'a' },
      { home },
    ).catch((x: unknown) => x);
    expect((bad as GitperfError).exitCode).toBe(2);
  });

  it('acts as any login the registry accepts: 45 characters (a local forge login) in, a trailing hyphen out', async () => {
    const longLogin = `ana-${'x'.repeat(41)}`;
    expect(longLogin).toHaveLength(45);
    await createProfile('long', { forge: 'local', registry: '/r', user: longLogin }, { home });
    expect((await resolveProfile('long', { home, env: {} })).profile).toMatchObject({ user: longLogin });
    await createProfile('long-gh', { forge: 'github', repo: 'o/r', user: longLogin }, { home });
    expect(
      await codeOf(createProfile('over', { forge: 'local', registry: '/r', user: 'x'.repeat(64) }, { home })),
    ).toBe('profile.invalid');
    expect(
      await codeOf(createProfile('hyphen', { forge: 'local', registry: '/r', user: 'ana-' }, { home })),
    ).toBe('profile.invalid');
  });

  it('never stores a token; reads GITHUB_TOKEN before GH_TOKEN', async () => {
    await createProfile(
      'gh',
      { forge: 'github', repo: 'o/r', baseUrl: 'https://ghe.example/api/v3' },
      { home },
    );
    expect(await readFile(configPath(home), 'utf8')).not.toMatch(/token/i);
    expect(githubToken({ GH_TOKEN: 'b' })).toBe('b');
    expect(githubToken({ GITHUB_TOKEN: 'a', GH_TOKEN: 'b' })).toBe('a');
    expect(githubToken({})).toBeUndefined();
  });

  it('keeps a URL registry as written and serves it through a cache under $GITPERF_HOME', async () => {
    const { execa } = await import('execa');
    const bare = join(home, 'shared.git');
    await execa('git', ['init', '--quiet', '--bare', '-b', 'main', bare]);
    await createProfile('remote', { forge: 'local', registry: `file://${bare}`, user: 'ana' }, { home });
    expect((await loadConfig(home)).profiles.remote).toEqual({
      forge: 'local',
      registry: `file://${bare}`,
      user: 'ana',
    });
    const prev = process.env.GITPERF_HOME;
    process.env.GITPERF_HOME = home;
    try {
      const { forge } = await createForge((await resolveProfile('remote', { home })).profile);
      expect(forge.kind).toBe('local');
      expect(await forge.listSubmissions()).toEqual([]);
      expect((await readdir(join(home, 'forges'))).length).toBe(1);
    } finally {
      if (prev === undefined) delete process.env.GITPERF_HOME;
      else process.env.GITPERF_HOME = prev;
    }
  });

  it('builds the forge a profile names', async () => {
    const { execa } = await import('execa');
    const bare = join(home, 'reg.git');
    await execa('git', ['init', '--quiet', '--bare', bare]);
    const local = await createForge({ forge: 'local', registry: bare, user: 'ana' });
    expect(local.forge.kind).toBe('local');
    expect(local.user).toBe('ana');
    const gh = await createForge({ forge: 'github', repo: 'o/r', user: 'ana' }, { GITHUB_TOKEN: 't' });
    expect(gh.forge.kind).toBe('github');
    expect(await codeOf(createForge({ forge: 'github', repo: 'o/r', user: 'ana' }, {}))).toBe(
      'github.token-missing',
    );
  });
});
