/**
 * A result's provenance and signature, checked by the validator (issue 11): the forged cases refused with
 * their own code at merge, the stale case accepted, signatures verified against the runner's keys (and by
 * the real ssh-keygen through the allowed-signers file `gitperf result verify` writes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryFileSource } from '../../cli/src/registry/file-source.js';
import { resultRef } from '../../cli/src/registry/kinds.js';
import { entityPath } from '../../cli/src/registry/layout.js';
import type { Result, RunnerKey } from '../../cli/src/registry/types.generated.js';
import { validateRegistry } from '../../cli/src/registry/validate.js';
import {
  formatPublicKey,
  generateEd25519KeyPair,
  resultPayload,
  signResult,
} from '../../cli/src/trust/index.js';
import { runCli } from '../helpers/cli.js';
import { fixtureHash, registryBuilder } from '../helpers/registry-builder.js';

const B = 'bc-diagnosis';
const DS = 'hospital-a/wdbc-a';
const MODEL = 'ana/bc-logreg';
const RUNNER = 'hospital-a/runner-a';
const RESULT = entityPath('Result', resultRef(B, DS, MODEL));
const RUNNER_KEY = generateEd25519KeyPair();
const OTHER_KEY = generateEd25519KeyPair();

function registry(
  keys: RunnerKey[] = [
    { publicKey: formatPublicKey(RUNNER_KEY.publicKey, RUNNER), validAfter: '2026-01-01T00:00:00Z' },
  ],
) {
  const builder = registryBuilder().registry();
  for (const u of ['ada', 'ana', 'hospital-a', 'hospital-b']) builder.user(u);
  for (const c of ['bc-prep', 'bc-logreg', 'bc-metrics']) builder.mlcube('ana', c);
  builder
    .dataset('hospital-a', 'wdbc-a')
    .dataset('hospital-b', 'wdbc-b')
    .runner('hospital-a', 'runner-a', { datasets: [DS], publicKey: keys[keys.length - 1]?.publicKey, keys })
    .benchmark(B, 'ana')
    .datasetAssociation(B, DS)
    .result(B, DS, MODEL);
  return builder;
}

function files(edit?: (result: Result) => void, keys?: RunnerKey[]): Record<string, string> {
  const builder = registry(keys);
  const result = builder.get('Result', resultRef(B, DS, MODEL));
  if (!result) throw new Error('no result');
  edit?.(result);
  return builder.registryFiles();
}

async function codes(registryFiles: Record<string, string>, atMerge: boolean, now?: Date): Promise<string[]> {
  const report = await validateRegistry(new MemoryFileSource(registryFiles), {
    ...(atMerge ? { changed: [RESULT] } : {}),
    now,
  });
  return report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

const signed =
  (key = RUNNER_KEY) =>
  (r: Result) => {
    r.spec.execution.runnerRef = RUNNER;
    r.spec.signature = signResult(r, key);
  };

describe('result provenance', () => {
  it('a current result passes, whole and at merge', async () => {
    expect(await codes(files(), false)).toEqual([]);
    expect(await codes(files(), true)).toEqual([]);
  });

  const otherUid = () => registry().get('Dataset', 'hospital-b/wdbc-b')?.spec.generatedUid ?? '';
  const zero = `sha256:${'0'.repeat(64)}`;
  const cases: [string, (r: Result) => void, string[]][] = [
    [
      "another hospital's generatedUid",
      (r) => {
        r.spec.execution.dataset.generatedUid = otherUid();
      },
      ['result.dataset-mismatch'],
    ],
    [
      'another model in the cube list',
      (r) => {
        r.spec.execution.cubes[1].ref = 'ana/bc-prep';
      },
      ['result.cube-mismatch'],
    ],
    [
      'all-zero hashes',
      (r) => {
        for (const c of r.spec.execution.cubes) c.hashes = { manifest: zero };
      },
      ['result.cube-hash-mismatch'],
    ],
    [
      'no metrics cube',
      (r) => {
        r.spec.execution.cubes.pop();
      },
      ['result.cube-missing'],
    ],
    [
      'the model twice',
      (r) => {
        r.spec.execution.cubes[2] = structuredClone(r.spec.execution.cubes[1]);
      },
      ['result.cube-duplicate', 'result.cube-missing'],
    ],
  ];
  for (const [name, edit, want] of cases) {
    it(`refuses at merge a result with ${name} (${want.join(', ')}), with file and line`, async () => {
      const got = await codes(files(edit), true);
      for (const code of want) expect(got).toContain(code);
      const report = await validateRegistry(new MemoryFileSource(files(edit)), { changed: [RESULT] });
      for (const d of report.diagnostics.filter((x) => x.code.startsWith('result.'))) {
        expect(d.file).toBe(`registry/${RESULT}`);
        expect(d.line).toBeGreaterThan(1);
      }
    });
  }

  it('a result whose cube hashes or data changed since it merged is stale, not invalid', async () => {
    // What a run recorded when it was current; the registry's cube and dataset changed afterwards.
    const stale = (r: Result) => {
      r.spec.execution.cubes[1].hashes = { manifest: fixtureHash(4242) };
      r.spec.execution.dataset.generatedUid = fixtureHash(4243);
    };
    expect(await codes(files(stale), false)).toEqual([]);
    // The same bytes submitted now are not current: refused at merge.
    expect([...new Set(await codes(files(stale), true))].sort()).toEqual([
      'result.cube-hash-mismatch',
      'result.dataset-mismatch',
    ]);
  });
});

describe('result signatures in gitperf validate', () => {
  it("accepts a result signed by its runner's key", async () => {
    expect(await codes(files(signed()), true)).toEqual([]);
    expect(await codes(files(signed()), false)).toEqual([]);
  });

  it('refuses a changed metric, a changed hash, and another key (result.signature-invalid)', async () => {
    const tampered: ((r: Result) => void)[] = [
      (r) => {
        signed()(r);
        r.spec.metrics = { auc: 0.99 };
      },
      (r) => {
        signed()(r);
        r.spec.execution.cubes[0].hashes.manifest = fixtureHash(77);
      },
      signed(OTHER_KEY),
    ];
    for (const edit of tampered)
      expect(await codes(files(edit), false)).toContain('result.signature-invalid');
  });

  it('keeps results signed before a rotation verifiable, but refuses a rotated-out key at merge', async () => {
    const keys: RunnerKey[] = [
      {
        publicKey: formatPublicKey(RUNNER_KEY.publicKey),
        validAfter: '2026-01-01T00:00:00Z',
        validBefore: '2026-11-15T00:00:00Z',
      },
      { publicKey: formatPublicKey(OTHER_KEY.publicKey), validAfter: '2026-11-15T00:00:00Z' },
    ];
    // The builder's result finished on 2026-11-02, inside the old key's period.
    expect(await codes(files(signed(), keys), false)).toEqual([]);
    // Merged now, the old key (revoked on 2026-11-15) cannot vouch for it, whatever finishedAt claims.
    expect(await codes(files(signed(), keys), true, new Date('2026-12-01T00:00:00Z'))).toEqual([
      'result.signature-invalid',
    ]);
    // The new key was not valid at finishedAt.
    expect(await codes(files(signed(OTHER_KEY), keys), false)).toEqual(['result.signature-invalid']);
  });

  it('an unsigned result is allowed', async () => {
    expect(
      await codes(
        files((r) => {
          delete r.spec.signature;
        }),
        true,
      ),
    ).toEqual([]);
  });
});

describe('gitperf validate, result verify and ssh-keygen', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gitperf-provenance-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeRegistry(name: string, registryFiles: Record<string, string>): Promise<string> {
    const root = join(dir, name);
    for (const [path, text] of Object.entries(registryFiles)) {
      const file = join(root, path);
      await import('node:fs/promises').then((fs) => fs.mkdir(join(file, '..'), { recursive: true }));
      await writeFile(file, text);
    }
    return root;
  }

  it("refuses the issue's attack (whole registry and --changed-since)", async () => {
    const zero = `sha256:${'0'.repeat(64)}`;
    const base = await writeRegistry('attack', files());
    const git = (...args: string[]) => execFileSync('git', args, { cwd: base, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '-A');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'base');
    const attacked = files((r) => {
      r.spec.execution.dataset.generatedUid =
        registry().get('Dataset', 'hospital-b/wdbc-b')?.spec.generatedUid ?? '';
      r.spec.execution.cubes[1].ref = 'ana/bc-prep';
      for (const c of r.spec.execution.cubes) c.hashes = { manifest: zero };
      r.spec.metrics = { auc: 0.999 };
    });
    await writeFile(join(base, RESULT), attacked[RESULT]);
    const whole = await runCli(['validate', base, '--json']);
    expect(whole.exitCode).toBe(1);
    expect(JSON.parse(whole.stdout).errors.map((e: { code: string }) => e.code)).toContain(
      'result.cube-mismatch',
    );
    const change = await runCli(['validate', base, '--changed-since', 'HEAD', '--json']);
    expect(change.exitCode).toBe(1);
    const got = JSON.parse(change.stdout).errors.map((e: { code: string }) => e.code);
    for (const code of ['result.cube-mismatch', 'result.cube-hash-mismatch', 'result.dataset-mismatch'])
      expect(got).toContain(code);
  }, 60_000);

  it('result verify writes an allowed-signers file with which ssh-keygen -Y verify accepts the signature', async () => {
    const root = await writeRegistry('signed', files(signed()));
    const allowed = join(dir, 'allowed_signers');
    const out = await runCli([
      'result',
      'verify',
      '--registry',
      root,
      '--allowed-signers',
      allowed,
      '--json',
    ]);
    expect(out.exitCode, out.stderr).toBe(0);
    const verdicts = JSON.parse(out.stdout).results as { status: string }[];
    expect(verdicts.map((v) => v.status)).toEqual(['signed']);
    const result = (await import('yaml')).parse(await readFile(join(root, RESULT), 'utf8')) as Result;
    const payload = join(dir, 'payload.json');
    const sig = join(dir, 'result.sig');
    await writeFile(payload, resultPayload(result));
    await writeFile(sig, result.spec.signature ?? '');
    const verify = (data: Buffer) =>
      execFileSync(
        'ssh-keygen',
        [
          '-Y',
          'verify',
          '-f',
          allowed,
          '-I',
          RUNNER,
          '-n',
          'gitperf-result',
          '-Overify-time=20261102100500Z',
          '-s',
          sig,
        ],
        { input: data, stdio: 'pipe' },
      ).toString();
    expect(verify(await readFile(payload))).toMatch(
      /Good "gitperf-result" signature for hospital-a\/runner-a/,
    );
    const changed = resultPayload({ ...result, spec: { ...result.spec, metrics: { auc: 0.5 } } });
    expect(() => verify(changed)).toThrow();
  }, 60_000);

  it('result verify exits 1 on a bad signature and lists unsigned results', async () => {
    const bad = await writeRegistry(
      'bad',
      files((r) => {
        signed()(r);
        r.spec.metrics = { auc: 0.01 };
      }),
    );
    const out = await runCli(['result', 'verify', '--registry', bad]);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toMatch(/INVALID by hospital-a\/runner-a/);
    const unsigned = await writeRegistry('unsigned', files());
    const ok = await runCli(['result', 'verify', '--registry', unsigned]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/: unsigned/);
  }, 60_000);
});
