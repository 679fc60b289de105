import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { userYaml } from './fixture.js';

describe('submission, review and merge commands (whole processes, local forge)', () => {
  let tmp: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gitperf-sub-cli-'));
    env = { GITPERF_HOME: join(tmp, 'home') };
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('admin adds a user; a user submission waits for the admin, is refused until approved, then merges', async () => {
    const dir = join(tmp, 'reg');
    const bare = `${dir}.git`;
    expect(
      (await runCli(['init', dir, '--admin', 'ada', '--local', '--profile-name', 'ada'], { env })).exitCode,
    ).toBe(0);
    const cli = (args: string[]) => runCli(args, { env, cwd: dir });

    // The only admin's own change needs nobody else: it merges straight away.
    await writeFile(join(dir, 'registry/users/lee.yaml'), userYaml('lee'));
    const opened = await cli(['submission', 'open', 'registry/users/lee.yaml', '--json']);
    expect(opened.exitCode).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({ number: 1, title: 'Add user lee', policy: 'pass' });
    const m1 = await cli(['merge', '1']);
    expect(m1.stdout).toMatch(/merged submission #1: Add user lee/);

    expect(
      (await cli(['profile', 'create', 'lee', '--forge', 'local', '--registry', bare, '--user', 'lee']))
        .exitCode,
    ).toBe(0);
    await writeFile(join(dir, 'registry/users/kim.yaml'), userYaml('kim'));
    const o2 = await cli(['submission', 'open', 'registry/users/kim.yaml', '--profile', 'lee']);
    expect(o2.exitCode).toBe(0);
    expect(o2.stdout).toMatch(/opened submission #2: Add user kim/);
    expect(o2.stdout).toMatch(/next: waiting for approval by @ada/);

    const waiting = JSON.parse((await cli(['submission', 'list', '--waiting-for-me', '--json'])).stdout);
    expect(waiting.submissions.map((s: { number: number }) => s.number)).toEqual([2]);
    expect(waiting.submissions[0]).toMatchObject({
      author: 'lee',
      waitingFor: ['ada'],
      policy: { status: 'pending' },
    });

    const self = await cli(['review', 'approve', '2', '--profile', 'lee']);
    expect(self.stdout).toMatch(/your own approval does not count/);
    const refused = await cli(['merge', '2', '--profile', 'lee']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/policy\.pending submission #2 is waiting for approvals/);

    const approve = await cli(['review', 'approve', '2', '-m', 'welcome kim']);
    expect(approve.stdout).toMatch(/ada approved submission #2/);
    expect(approve.stdout).toMatch(/next: ready: `gitperf merge 2`/);
    // The author pushes a change: the admin's approval was on the old head and no longer counts.
    await writeFile(
      join(dir, 'registry/users/kim.yaml'),
      userYaml('kim').replace('spec: {}', 'spec:\n  organization: KIM'),
    );
    const updated = await cli(['submission', 'update', '2', 'registry/users/kim.yaml', '--profile', 'lee']);
    expect(updated.exitCode).toBe(0);
    expect(updated.stdout, updated.stdout + updated.stderr).toMatch(
      /approvals by ada were on the old head and no longer count/,
    );
    expect(updated.stdout).toMatch(/next: waiting for approval by @ada/);
    // After asking for changes, the reviewer's next step is to wait for the author, not to approve.
    const changes = await cli(['review', 'request-changes', '2', '-m', 'one more field', '--profile', 'ada']);
    expect(changes.stdout).toMatch(
      /next: you requested changes: waiting for @lee to update it \(or close it: `gitperf submission close 2 --profile ada`\)/,
    );
    expect((await cli(['review', 'approve', '2'])).exitCode).toBe(0);
    const merged = JSON.parse((await cli(['merge', '2', '--json'])).stdout);
    expect(merged.trailers).toEqual(['Approved-by: ada']);
    const trailer = await execa('git', [
      '--git-dir',
      bare,
      'log',
      '-1',
      '--format=%(trailers:key=Approved-by,valueonly)',
      'main',
    ]);
    expect(String(trailer.stdout).trim()).toBe('ada');

    const shown = JSON.parse((await cli(['submission', 'show', '2', '--json'])).stdout);
    expect(shown).toMatchObject({ number: 2, state: 'merged', next: 'merged', policy: null });
    expect(shown.reviews.map((r: { reviewer: string }) => r.reviewer)).toEqual(['lee', 'ada', 'ada', 'ada']);
  }, 240_000); // about a dozen CLI processes: generous for a loaded 2-core CI machine

  it('a submission adding a user carries the regenerated CODEOWNERS, so the merged registry passes --check', async () => {
    const dir = join(tmp, 'reg-owners');
    const init = ['init', dir, '--admin', 'ada', '--local', '--profile-name', 'owners'];
    expect((await runCli(init, { env })).exitCode).toBe(0);
    const cli = (args: string[]) => runCli([...args, '--profile', 'owners'], { env, cwd: dir });
    // kim is pushed straight to main, leaving CODEOWNERS stale: an unchanged kim.yaml is still no change.
    await writeFile(join(dir, 'registry/users/kim.yaml'), userYaml('kim'));
    const g = (args: string[]) =>
      execa('git', ['-C', dir, '-c', 'user.name=ada', '-c', 'user.email=ada@example.org', ...args]);
    await g(['add', 'registry/users/kim.yaml']);
    await g(['commit', '-qm', 'kim']);
    // Only someone with access to the repository's files can do that: they lift the pre-receive hook.
    const hook = join(`${dir}.git`, 'hooks', 'pre-receive');
    await rename(hook, `${hook}.off`);
    await g(['push', '-q', 'origin', 'HEAD:main']);
    await rename(`${hook}.off`, hook);
    const same = await cli(['submission', 'open', 'registry/users/kim.yaml', '--json']);
    expect(same.exitCode, same.stdout).toBe(1);
    expect(JSON.parse(same.stdout).error.code).toBe('submission.no-change');
    await writeFile(join(dir, 'registry/users/lee.yaml'), userYaml('lee'));
    const opened = JSON.parse(
      (await cli(['submission', 'open', 'registry/users/lee.yaml', '--json'])).stdout,
    );
    expect(opened.title).toBe('Add user lee');
    const shown = JSON.parse((await cli(['submission', 'show', String(opened.number), '--json'])).stdout);
    expect(shown.body).toContain('- modified `.github/CODEOWNERS`');
    expect((await cli(['merge', String(opened.number)])).exitCode).toBe(0);
    const clone = join(tmp, 'reg-owners-clone');
    await execa('git', ['clone', '-q', `${dir}.git`, clone]);
    const check = await runCli(['codeowners', '--check'], { env, cwd: clone });
    expect(check.exitCode, check.stderr).toBe(0);
    const owners = await readFile(join(clone, '.github/CODEOWNERS'), 'utf8');
    expect(owners).toContain('/registry/mlcubes/lee/ @lee');
    expect(owners).toContain('/registry/mlcubes/kim/ @kim');
  }, 180_000); // several CLI processes: slow on a loaded machine

  it('refuses to open a file that breaks the schema (it could never merge) and names its line', async () => {
    const dir = join(tmp, 'reg-typo');
    const init = ['init', dir, '--admin', 'ada', '--local', '--profile-name', 'typo'];
    expect((await runCli(init, { env })).exitCode).toBe(0);
    const cli = (args: string[]) => runCli([...args, '--profile', 'typo'], { env, cwd: dir });
    await writeFile(
      join(dir, 'registry/users/bob.yaml'),
      userYaml('bob').replace('spec: {}', 'spec:\n  rolez: [admin]'),
    );
    const r = await cli(['submission', 'open', 'registry/users/bob.yaml', '--json']);
    expect(r.exitCode, r.stdout).toBe(1);
    const e = JSON.parse(r.stdout).error;
    expect(e).toMatchObject({ code: 'submission.policy-fail', file: 'registry/users/bob.yaml' });
    expect(e.line).toBeGreaterThan(0);
    expect(e.message).toMatch(/schema\.additional-property: unknown property "rolez"/);
    const listed = JSON.parse((await cli(['submission', 'list', '--state', 'all', '--json'])).stdout);
    expect(listed.submissions).toEqual([]);
    // A folder or a missing file is a usage error saying which.
    const folder = await cli(['submission', 'open', 'registry/users']);
    expect(folder.exitCode).toBe(2);
    expect(folder.stderr).toMatch(
      /submission\.file-missing cannot read registry\/users: it is a folder; name the entity files/,
    );
    const missing = await cli(['submission', 'open', 'registry/users/nobody.yaml']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/cannot read registry\/users\/nobody\.yaml: no such file/);

    // Opened valid, then updated with the typo: the list names the problem its next step speaks of.
    await writeFile(join(dir, 'registry/users/bob.yaml'), userYaml('bob'));
    expect((await cli(['submission', 'open', 'registry/users/bob.yaml'])).exitCode).toBe(0);
    await writeFile(
      join(dir, 'registry/users/bob.yaml'),
      userYaml('bob').replace('spec: {}', 'spec:\n  rolez: [admin]'),
    );
    expect((await cli(['submission', 'update', '1', 'registry/users/bob.yaml'])).exitCode).toBe(0);
    const text = (await cli(['submission', 'list'])).stdout.split('\n');
    expect(text[0]).toMatch(/^#1 +fail +ada +Add user bob$/);
    expect(text[1]).toMatch(
      /^ {7}registry\/users\/bob\.yaml:\d+: schema\.additional-property unknown property "rolez" in spec/,
    );
    expect(text[2]).toMatch(/^ {7}fix the problems above and submit again/);
  }, 180_000); // several CLI processes: slow on a loaded machine

  it('a title with terminal escapes is shown escaped in text, exactly in JSON', async () => {
    const dir = join(tmp, 'reg-escapes');
    const init = ['init', dir, '--admin', 'ada', '--local', '--profile-name', 'escapes'];
    expect((await runCli(init, { env })).exitCode).toBe(0);
    const cli = (args: string[]) => runCli([...args, '--profile', 'escapes'], { env, cwd: dir });
    await writeFile(join(dir, 'registry/users/eve.yaml'), userYaml('eve'));
    // ESC [2J clears the screen; CR lets the rest overwrite the line; U+202E reverses what follows.
    const title = 'Add user eve\u001b[2J\rharmless fix \u202Eevil';
    const opened = await cli(['submission', 'open', 'registry/users/eve.yaml', '--title', title]);
    expect(opened.exitCode, opened.stderr).toBe(0);
    for (const args of [
      ['submission', 'list'],
      ['submission', 'show', '1'],
    ]) {
      const shown = await cli(args);
      expect(shown.exitCode, shown.stderr).toBe(0);
      for (const raw of ['\u001b', '\r', '\u202e']) expect(shown.stdout).not.toContain(raw);
      expect(shown.stdout).toContain('Add user eve\\x1b[2J\\x0dharmless fix \\u{202e}evil');
    }
    const json = JSON.parse((await cli(['submission', 'show', '1', '--json'])).stdout);
    expect(json.title).toBe(title);
  }, 180_000); // several CLI processes: slow on a loaded machine

  it('in a GitHub Actions log, a title with a line break cannot issue a workflow command', async () => {
    const dir = join(tmp, 'reg-actions');
    const init = ['init', dir, '--admin', 'ada', '--local', '--profile-name', 'actions'];
    expect((await runCli(init, { env })).exitCode).toBe(0);
    await writeFile(join(dir, 'registry/users/eve.yaml'), userYaml('eve'));
    const forged = '::error title=forged::everything passed';
    const title = `Add user eve\n  ${forged}`;
    const cli = (args: string[], extra: Record<string, string> = {}) =>
      runCli([...args, '--profile', 'actions'], { env: { ...env, ...extra }, cwd: dir });
    expect((await cli(['submission', 'open', 'registry/users/eve.yaml', '--title', title])).exitCode).toBe(0);
    const inActions = await cli(['submission', 'show', '1'], { GITHUB_ACTIONS: 'true' });
    expect(inActions.exitCode, inActions.stderr).toBe(0);
    const lines = inActions.stdout.split('\n');
    const at = lines.findIndex((line) => line.trim() === forged);
    expect(at).toBeGreaterThan(0);
    // The runner ignores commands between `::stop-commands::TOKEN` and `::TOKEN::`.
    const opening = lines.slice(0, at).findLast((line) => line.startsWith('::stop-commands::'));
    expect(opening).toMatch(/^::stop-commands::[0-9a-f]{32}$/);
    const token = opening?.slice('::stop-commands::'.length);
    expect(lines.indexOf(`::${token}::`)).toBeGreaterThan(at);
    // Outside Actions the text is as before.
    expect((await cli(['submission', 'show', '1'])).stdout).not.toContain('::stop-commands::');
  }, 180_000);
});
