/** The demo's pieces that need no full run (the full run is test/e2e). */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRegistries, EXAMPLE_CLOCK, normaliseText } from '../../cli/src/demo/example-registry.js';
import { runCli } from '../helpers/cli.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gitperf-demo-unit-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('example registry normalisation', () => {
  it('sets only the timestamps to the fixed clock', () => {
    const text = [
      'spec:',
      '  compatibilityTest:',
      '    ranAt: 2026-11-27T07:00:01Z',
      '  execution:',
      '    startedAt: 2026-11-27T07:00:02Z',
      '    finishedAt: 2026-11-27T07:00:03Z',
      '  description: ranAt: stays',
      '',
    ].join('\n');
    const out = normaliseText(text);
    expect(out).toContain(`    ranAt: ${EXAMPLE_CLOCK}\n`);
    expect(out).toContain(`    startedAt: ${EXAMPLE_CLOCK}\n`);
    expect(out).toContain(`    finishedAt: ${EXAMPLE_CLOCK}\n`);
    expect(out).toContain('  description: ranAt: stays\n');
    expect(normaliseText(out)).toBe(out);
  });

  it('compares two registry folders file by file, ignoring only the timestamps', async () => {
    const a = join(tmp, 'a');
    const b = join(tmp, 'b');
    for (const d of [a, b]) await mkdir(join(d, 'users'), { recursive: true });
    await writeFile(join(a, 'users', 'x.yaml'), 'ranAt: 2020-01-01T00:00:00Z\nname: x\n');
    await writeFile(join(b, 'users', 'x.yaml'), 'ranAt: 2026-05-05T05:05:05Z\nname: x\n');
    await writeFile(join(a, 'users', 'y.yaml'), 'name: y\n');
    await writeFile(join(b, 'users', 'y.yaml'), 'name: changed\n');
    await writeFile(join(b, 'users', 'z.yaml'), 'name: z\n');
    expect(await compareRegistries(a, b)).toEqual({
      onlyIn: { expected: [], actual: ['users/z.yaml'] },
      differing: ['users/y.yaml'],
    });
  });
});

describe('gitperf demo', () => {
  it('refuses a --dir that is not empty, touching nothing', async () => {
    const dir = join(tmp, 'busy');
    await mkdir(dir);
    await writeFile(join(dir, 'keep.txt'), 'mine\n');
    const r = await runCli(['demo', '--dir', dir], { env: { GITPERF_HOME: join(tmp, 'home') } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/demo\.dir-not-empty/);
    const j = await runCli(['demo', '--dir', dir, '--json'], { env: { GITPERF_HOME: join(tmp, 'home') } });
    expect(JSON.parse(j.stdout).error.code).toBe('demo.dir-not-empty');
  });
});
