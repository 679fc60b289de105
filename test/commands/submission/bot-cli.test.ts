/** `gitperf bot` as a whole process over the local forge: one pass with --once, and a loop stopped by a signal. */
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REGISTRY_DIR } from '../../../cli/src/registry/layout.js';
import { openEntitySubmission, openLocalContext } from '../../../cli/src/submission/index.js';
import { git } from '../../forge/local/helpers.js';
import { cliBin, runCli } from '../../helpers/cli.js';
import type { BareRepository } from '../../helpers/registry-builder.js';
import { runnerConsortium, signedRunnerConsortium, userYaml } from './fixture.js';

describe('gitperf bot (whole process, local forge)', () => {
  let reg: BareRepository;
  let env: Record<string, string>;
  beforeEach(async () => {
    reg = await (await signedRunnerConsortium()).bareRepository();
    env = { GITPERF_HOME: join(reg.dir, 'home') };
    const created = await runCli(
      ['profile', 'create', 'bot', '--forge', 'local', '--registry', reg.bare, '--user', 'ada'],
      { env },
    );
    expect(created.exitCode, created.stderr).toBe(0);
  });
  afterEach(async () => {
    await reg.cleanup();
  });

  const openTwo = async () => {
    const lee = await openLocalContext(reg.bare, 'lee');
    const kim = { path: `${REGISTRY_DIR}/users/kim.yaml`, content: userYaml('kim') };
    const r2 = runnerConsortium().runner('lee', 'r2', { datasets: ['lee/d1'] });
    const runner = {
      path: `${REGISTRY_DIR}/runners/lee/r2.yaml`,
      content: r2.registryFiles()['runners/lee/r2.yaml'],
    };
    await openEntitySubmission(lee, { files: [kim], requestReviewers: false });
    await openEntitySubmission(lee, { files: [runner] });
  };

  it('--once does one pass, says what it did per submission, and exits 0', async () => {
    await openTwo();
    const json = await runCli(['bot', '--once', '--json', '--profile', 'bot'], { env });
    expect(json.exitCode, json.stderr).toBe(0);
    const pass = JSON.parse(json.stdout) as { actions: Array<Record<string, unknown>>; failed: boolean };
    expect(pass.failed).toBe(false);
    expect(pass.actions).toEqual([
      { number: 1, title: 'Add user kim', action: 'waiting', waitingFor: ['ada'], requested: ['ada'] },
      expect.objectContaining({ number: 2, action: 'merged', trailers: [] }),
    ]);
    expect(await git(reg.bare, 'rev-parse', 'main')).toBe(pass.actions[1].sha);

    const text = await runCli(['bot', '--once', '--profile', 'bot'], { env });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout.trim()).toBe('#1 Add user kim: waiting for @ada');
  }, 180_000); // three CLI processes: generous for a loaded 2-core machine

  it('without --once it passes every --interval seconds and stops cleanly on SIGTERM', async () => {
    await openTwo();
    const bot = execa('node', [cliBin, 'bot', '--interval', '1', '--profile', 'bot'], {
      env: { ...env, NO_COLOR: '1' },
      reject: false,
    });
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      bot.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (/#2 .*: merged/.test(seen)) resolve();
      });
      bot.on('exit', () => reject(new Error(`the bot exited early:\n${seen}`)));
    });
    // A submission opened while it loops is picked up by a later pass.
    const lee = await openLocalContext(reg.bare, 'lee');
    const r3 = runnerConsortium().runner('lee', 'r3', { datasets: ['lee/d1'] });
    await openEntitySubmission(lee, {
      files: [
        { path: `${REGISTRY_DIR}/runners/lee/r3.yaml`, content: r3.registryFiles()['runners/lee/r3.yaml'] },
      ],
    });
    await new Promise<void>((resolve) => {
      const check = () => (/#3 .*: merged/.test(seen) ? resolve() : setTimeout(check, 100));
      check();
    });
    bot.kill('SIGTERM');
    const done = await bot;
    expect(done.exitCode, String(done.stderr)).toBe(0);
    expect(String(done.stderr)).toBe('');
    expect(seen).toMatch(/#1 Add user kim: waiting for @ada \(review requested from ada\)/);
    expect(await git(reg.bare, 'show', 'main:registry/runners/lee/r3.yaml')).toContain('lee/d1');
  }, 180_000);
});
