import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../cli/src/diagnostics/diagnostic.js';
import { FsFileSource } from '../../cli/src/registry/file-source.js';
import { validateRegistry } from '../../cli/src/registry/validate.js';
import { runCli } from '../helpers/cli.js';
import { type BrokenCase, CASES } from './broken.cases.js';
import { makeRegistry } from './fixture.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

function broken(c: BrokenCase) {
  const reg = makeRegistry();
  cleanups.push(reg.cleanup);
  c.mutate(reg.dir);
  return reg;
}

function expectOnly(diags: Pick<Diagnostic, 'code' | 'file' | 'line' | 'column'>[], c: BrokenCase) {
  const file = `registry/${c.file}`;
  const hit = diags.find((d) => d.code === c.code && d.file === file && (d.line ?? undefined) === c.line);
  expect(hit, `expected ${c.code} at ${file}:${c.line}; got ${JSON.stringify(diags, null, 1)}`).toBeDefined();
  if (c.column !== undefined) expect(hit?.column).toBe(c.column);
  const rest = diags.filter((d) => d !== hit).map((d) => d.code);
  expect(rest.sort()).toEqual([...(c.also ?? [])].sort());
}

describe('the fixture registry', () => {
  it('is valid, so every error below comes from its one break', async () => {
    const reg = makeRegistry();
    cleanups.push(reg.cleanup);
    const r = await validateRegistry(new FsFileSource(reg.dir, 'registry'));
    expect(r.diagnostics).toEqual([]);
    expect(r.valid).toBe(true);
  });
});

describe.each(['input', 'schema', 'layout', 'references', 'consistency'] as const)(
  'broken registries: %s layer',
  (layer) => {
    for (const c of CASES.filter((x) => x.layer === layer)) {
      it(`${c.name} -> ${c.code}`, async () => {
        const reg = broken(c);
        const r = await validateRegistry(new FsFileSource(reg.dir, 'registry'));
        expect(r.valid).toBe(false);
        expectOnly(r.diagnostics, c);
      });
    }
  },
);

describe('broken registries through the CLI (exit code 1, --json)', () => {
  for (const c of CASES.filter((x) => x.cli)) {
    it(`${c.name} -> ${c.code}`, async () => {
      const reg = broken(c);
      const r = await runCli(['validate', 'registry', '--json'], { cwd: reg.root });
      expect(r.exitCode, r.stderr).toBe(1);
      const out = JSON.parse(r.stdout) as { valid: boolean; errors: Diagnostic[] };
      expect(out.valid).toBe(false);
      expectOnly(out.errors, c);
    });
  }
});

it('has at least 30 cases covering every layer', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(30);
  for (const layer of ['input', 'schema', 'layout', 'references']) {
    expect(CASES.filter((c) => c.layer === layer).length).toBeGreaterThanOrEqual(5);
  }
});
