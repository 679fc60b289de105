import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

describe('gitperf profile and init (whole processes)', () => {
  let tmp: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gitperf-profile-cli-'));
    env = { GITPERF_HOME: join(tmp, 'home'), GITHUB_TOKEN: '', GH_TOKEN: '' };
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('init --local, then create, use, list and show profiles', async () => {
    const init = await runCli(
      ['init', join(tmp, 'reg'), '--admin', 'ada', '--name', 'demo-consortium', '--local', '--json'],
      {
        env,
      },
    );
    expect(init.exitCode).toBe(0);
    const r = JSON.parse(init.stdout);
    expect(r).toMatchObject({
      name: 'demo-consortium',
      admin: 'ada',
      bare: join(tmp, 'reg.git'),
      profile: 'demo-consortium',
    });

    // The new registry is valid as gitperf validate sees it.
    const valid = await runCli(['validate', join(tmp, 'reg', 'registry'), '--json'], { env });
    expect(valid.exitCode).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({
      valid: true,
      errors: [],
      entities: { Registry: 1, User: 1 },
    });

    const created = await runCli(
      ['profile', 'create', 'ana', '--forge', 'local', '--registry', join(tmp, 'reg.git'), '--user', 'ana'],
      { env },
    );
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toMatch(/created profile ana/);
    expect((await runCli(['profile', 'use', 'ana'], { env })).exitCode).toBe(0);

    const list = JSON.parse((await runCli(['profile', 'list', '--json'], { env })).stdout);
    expect(list.current).toBe('ana');
    expect(list.profiles.map((p: { name: string }) => p.name)).toEqual(['ana', 'demo-consortium']);

    const show = JSON.parse((await runCli(['profile', 'show', '--json'], { env })).stdout);
    expect(show).toEqual({ name: 'ana', forge: 'local', registry: join(tmp, 'reg.git'), user: 'ana' });
    const other = JSON.parse(
      (await runCli(['profile', 'show', 'demo-consortium', '--json'], { env })).stdout,
    );
    expect(other.user).toBe('ada');
  }, 180_000); // several CLI processes: generous for a loaded 2-core CI machine

  it('fails cleanly: usage errors exit 2, unknown profiles exit 1, no stack traces', async () => {
    const missing = await runCli(['profile', 'create', 'x', '--forge', 'local'], { env });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/must be provided when using --forge: --registry,[\s›]*--user/);
    const unknown = await runCli(['profile', 'use', 'nobody'], { env });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/profile\.unknown/);
    expect(unknown.stderr).not.toMatch(/at .*\.js:\d+/);
    const again = await runCli(['init', join(tmp, 'reg'), '--admin', 'ada'], { env });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/init\.dir-not-empty/);
  }, 120_000);
});
