/**
 * The README's walkthrough, run exactly as written: the shell block under "## Walkthrough" is extracted
 * and run by bash with `set -e` (every command must succeed) in an empty folder, with a fresh
 * $GITPERF_HOME and `gitperf` on the PATH as `npm link` would put it. The final `result list` must show a
 * result of every model on the hospital's dataset. A README edit that breaks the walkthrough fails here.
 */
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, repoRoot } from '../helpers/cli.js';

/** The first ```sh block after the "## Walkthrough" heading. */
function walkthroughBlock(readme: string): string {
  const section = readme.slice(readme.indexOf('\n## Walkthrough'));
  const match = /\n```sh\n([\s\S]*?)\n```/.exec(section);
  if (!match) throw new Error('README.md has no ```sh block under "## Walkthrough"');
  return match[1];
}

let workdir: string;
let run: { exitCode: number; output: string };

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'gitperf-walkthrough-'));
  const bin = join(workdir, 'bin');
  await mkdir(bin);
  await symlink(cliBin, join(bin, 'gitperf'));
  const here = join(workdir, 'work');
  await mkdir(here);
  const script = `set -euo pipefail\nset -x\n${walkthroughBlock(await readFile(join(repoRoot, 'README.md'), 'utf8'))}\n`;
  const result = await execa('bash', ['-c', script], {
    cwd: here,
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      GITPERF_HOME: join(workdir, 'home'),
      NO_COLOR: '1',
      // No forge or token of the developer's may leak into the walkthrough.
      GITPERF_PROFILE: '',
      GITHUB_TOKEN: '',
      GH_TOKEN: '',
    },
    stdin: 'ignore',
    all: true,
    reject: false,
    timeout: 420_000,
  });
  run = { exitCode: result.exitCode ?? -1, output: String(result.all) };
}, 440_000);

afterAll(async () => {
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

describe('README walkthrough, as written', () => {
  it('runs every command successfully', () => {
    if (run.exitCode !== 0)
      expect.fail(`the walkthrough stopped (exit ${run.exitCode}):\n${run.output.slice(-6000)}`);
  });

  it('ends with a result of every model on the hospital dataset', () => {
    const table = run.output.slice(run.output.lastIndexOf('+ gitperf result list'));
    expect(table).toMatch(/model \\ dataset \(auc, higher is better\)\s+hospital-a\/wdbc-a/);
    for (const model of ['ana/bc-logreg', 'kim/bc-stump', 'lee/bc-centroid'])
      expect(table).toMatch(new RegExp(`${model}\\s+0\\.\\d{4}`));
  });

  it('shows the committee the compatibility test it must judge, in text', () => {
    const shown = run.output.slice(run.output.indexOf('+ gitperf submission show 7'));
    expect(shown).toMatch(
      /Compatibility test passed: lee\/bc-centroid on the demo dataset of bc-diagnosis: .*\*\*auc\*\* 0\.\d+/,
    );
  });

  it('says what the compatibility tests measured, and warns about the duplicate request before opening it', () => {
    const benchmark = run.output.slice(run.output.indexOf('+ gitperf benchmark submit'));
    expect(benchmark).toMatch(/^compatibility test passed: .*auc 0\.\d+/m);
    expect(run.output).toMatch(
      /warning association\.duplicate submission #9 \(Add association of model kim\/bc-stump with bc-diagnosis\) already requests this association/,
    );
  });

  it('asks for consent only for what the policy would accept: a repeated result submission is refused first', async () => {
    // The results are merged: submitting them again changes nothing, which is said before any consent is
    // asked (without a terminal and without -y, asking would have failed with consent.required).
    const again = await execa(
      'gitperf',
      ['result', 'submit', '--benchmark', 'bc-diagnosis', '--dataset', 'wdbc-a', '--profile', 'hospital-a'],
      {
        cwd: join(workdir, 'work', 'consortium'),
        env: {
          PATH: `${join(workdir, 'bin')}:${process.env.PATH}`,
          GITPERF_HOME: join(workdir, 'home'),
          NO_COLOR: '1',
        },
        stdin: 'ignore',
        reject: false,
      },
    );
    expect(again.exitCode).toBe(1);
    expect(String(again.stderr)).toContain('submission.no-change');
    expect(String(again.stderr)).not.toContain('consent.required');
  });

  it('the extractor finds the block and refuses a README without one', () => {
    expect(walkthroughBlock('# x\n## Walkthrough\ntext\n```sh\necho hi\n```\n')).toBe('echo hi');
    expect(() => walkthroughBlock('# x\n## Other\n```sh\necho hi\n```\n')).toThrow(/no ```sh block/);
  });
});
