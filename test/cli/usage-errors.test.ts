import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Command-line mistakes are usage errors: exit 2, a one-line reason, never a bug report or a dump.
describe('usage errors', () => {
  const home = mkdtempSync(join(tmpdir(), 'gitperf-usage-'));
  const env = { GITPERF_HOME: home };
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('with --json, an unknown flag is one small JSON diagnostic and exit 2', async () => {
    const r = await runCli(['validate', '--bogus', '--json'], { env });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout.length).toBeLessThan(1000); // not oclif's error object with its whole configuration
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'cli.usage',
        message: 'Nonexistent flag: --bogus',
        severity: 'error',
        file: null,
        line: null,
        column: null,
      },
    });
  });

  it('with --json, a missing required flag is exit 2 with the flag named', async () => {
    const r = await runCli(['init', join(home, 'x'), '--local', '--json'], { env });
    expect(r.exitCode).toBe(2);
    const d = JSON.parse(r.stdout).error;
    expect(d.code).toBe('cli.usage');
    expect(d.message).toContain('Missing required flag admin');
  });

  it.each([
    [['benchmark', 'rnu'], 'did you mean "gitperf benchmark run"?'],
    [['benchmrk'], 'did you mean "gitperf benchmark"?'],
    [['frobnicate'], '(`gitperf --help` lists the commands)'],
  ])(
    'a mistyped command %j is a usage error named as typed, with the closest command',
    async (args, hint) => {
      const r = await runCli(args, { env });
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`error command.unknown "gitperf ${args.join(' ')}" is not a command`);
      expect(r.stderr).toContain(hint);
      expect(r.stderr).not.toMatch(/:rnu|not found/); // not oclif's colon form
    },
  );

  it('a $GITPERF_HOME that is a file is named as the problem, not reported as a bug', async () => {
    const file = join(home, 'not-a-folder');
    writeFileSync(file, 'x');
    const r = await runCli(
      ['profile', 'create', 'x', '--forge', 'local', '--registry', home, '--user', 'x'],
      {
        env: { GITPERF_HOME: file },
      },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`error fs.enotdir cannot use ${file}/`);
    expect(r.stderr).toContain(`$GITPERF_HOME is ${file}`);
    expect(r.stderr).not.toMatch(/bug|internal/);
  });

  it('gitperf help [TOPIC] shows help and exits 0', async () => {
    const all = await runCli(['help'], { env });
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^TOPICS$/m);
    const topic = await runCli(['help', 'benchmark'], { env });
    expect(topic.exitCode, topic.stderr).toBe(0);
    expect(topic.stdout).toContain('$ gitperf benchmark COMMAND');
  });

  it('a submission number that is not an integer is a usage error, not a bug', async () => {
    const r = await runCli(['submission', 'show', 'abc'], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Expected an integer but received: abc');
    expect(r.stderr).not.toContain('bug in gitperf');
    const j = await runCli(['merge', '0', '--json'], { env });
    expect(j.exitCode).toBe(2);
    expect(JSON.parse(j.stdout).error.message).toBe(
      'Expected an integer greater than or equal to 1 but received: 0',
    );
  });

  it('a flag value outside its options exits 2 (oclif alone gives 1)', async () => {
    const r = await runCli(['submission', 'list', '--state', 'bogus'], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Expected --state=bogus to be one of: open, merged, closed, all');
  });
});
