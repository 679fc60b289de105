/**
 * Verdicts of result signatures kept between whole-registry validations (trust/result-verifier.ts, in the
 * parse cache): a warm run reuses them, and the cache is sound. A verdict is keyed by the result file's
 * git blob id and the runner's allowed-signer lines, so one changed metric byte, or another key in the
 * Runner entity, is verified again; a cached failure is reported exactly as a fresh one.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitBlobId } from '../../cli/src/infra/parse-cache.js';
import { MemoryFileSource } from '../../cli/src/registry/file-source.js';
import { resultRef } from '../../cli/src/registry/kinds.js';
import { entityPath } from '../../cli/src/registry/layout.js';
import { type ValidationReport, validateRegistry } from '../../cli/src/registry/validate.js';
import { formatPublicKey, generateEd25519KeyPair, signResult } from '../../cli/src/trust/index.js';
import { registryBuilder } from '../helpers/registry-builder.js';

const BENCHMARK = 'bc-diagnosis';
const DATASET = 'hospital-a/wdbc-a';
const MODEL = 'ana/bc-logreg';
const RUNNER = 'hospital-a/runner-a';
const RESULT_PATH = entityPath('Result', resultRef(BENCHMARK, DATASET, MODEL));
const RUNNER_PATH = entityPath('Runner', RUNNER);
const RUNNER_KEY = generateEd25519KeyPair();
const OTHER_KEY = generateEd25519KeyPair();

/** A registry with one result, signed by its runner's key; the runner lists `runnerKey`. */
function signedRegistry(runnerKey = RUNNER_KEY): Record<string, string> {
  const publicKey = formatPublicKey(runnerKey.publicKey, RUNNER);
  const builder = registryBuilder().registry();
  for (const login of ['ada', 'ana', 'hospital-a']) builder.user(login);
  for (const cube of ['bc-prep', 'bc-logreg', 'bc-metrics']) builder.mlcube('ana', cube);
  builder
    .dataset('hospital-a', 'wdbc-a')
    .runner('hospital-a', 'runner-a', {
      datasets: [DATASET],
      publicKey,
      keys: [{ publicKey, validAfter: '2026-01-01T00:00:00Z' }],
    })
    .benchmark(BENCHMARK, 'ana')
    .datasetAssociation(BENCHMARK, DATASET)
    .result(BENCHMARK, DATASET, MODEL);
  const result = builder.get('Result', resultRef(BENCHMARK, DATASET, MODEL));
  if (!result) throw new Error('the builder made no result');
  result.spec.execution.runnerRef = RUNNER;
  result.spec.signature = signResult(result, RUNNER_KEY);
  return builder.registryFiles();
}

let home: string;
let cacheDir: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gitperf-sigcache-'));
  cacheDir = join(home, 'cache', 'parsed');
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const validate = (files: Record<string, string>, withCache = true): Promise<ValidationReport> =>
  validateRegistry(new MemoryFileSource(files), withCache ? { cacheDir } : {});

/** The cached verdicts: key -> verdict, from every shard of the reader. */
function cachedVerdicts(): Record<string, { ok: boolean }> {
  const dir = join(cacheDir, 'result-signatures');
  const entries: Record<string, { ok: boolean }> = {};
  for (const name of readdirSync(dir))
    Object.assign(entries, JSON.parse(readFileSync(join(dir, name), 'utf8')).entries);
  return entries;
}

const errorCodes = (report: ValidationReport) => report.diagnostics.map((d) => d.code);

describe('cached verdicts of result signatures', () => {
  it('keeps the verdict by the result file and reuses it unchanged on the next run', async () => {
    const files = signedRegistry();
    const cold = await validate(files);
    expect(cold.valid, JSON.stringify(cold.diagnostics)).toBe(true);
    const keys = Object.keys(cachedVerdicts());
    expect(keys).toHaveLength(1);
    expect(keys[0]).toContain(`Result:${gitBlobId(Buffer.from(files[RESULT_PATH]))}:`);
    const shard = join(cacheDir, 'result-signatures', readdirSync(join(cacheDir, 'result-signatures'))[0]);
    const written = statSync(shard).mtimeMs;

    const warm = await validate(files);
    expect(warm).toEqual(cold);
    // Nothing new was verified, so the shard was not rewritten.
    expect(statSync(shard).mtimeMs).toBe(written);
  });

  it('verifies again after one changed metric byte, and reports the cached failure as a fresh one', async () => {
    const files = signedRegistry();
    expect((await validate(files)).valid).toBe(true);
    const tampered = { ...files, [RESULT_PATH]: files[RESULT_PATH].replace('auc: 0.8', 'auc: 0.9') };
    expect(tampered[RESULT_PATH]).not.toBe(files[RESULT_PATH]);

    const fresh = await validate(tampered, false);
    expect(errorCodes(fresh)).toEqual(['result.signature-invalid']);
    expect(fresh.diagnostics[0].message).toContain('trust.signature-invalid');
    const firstWithCache = await validate(tampered);
    const cachedFailure = await validate(tampered);
    expect(firstWithCache).toEqual(fresh);
    expect(cachedFailure).toEqual(fresh);
    expect(Object.values(cachedVerdicts()).map((verdict) => verdict.ok)).toEqual([false]);

    // Back to the signed bytes: the verdict is ok again.
    expect((await validate(files)).valid).toBe(true);
  });

  it("verifies again when the Runner entity's key changes, though the result file does not", async () => {
    const files = signedRegistry();
    expect((await validate(files)).valid).toBe(true);
    const rekeyed = { ...files, [RUNNER_PATH]: signedRegistry(OTHER_KEY)[RUNNER_PATH] };
    expect(rekeyed[RESULT_PATH]).toBe(files[RESULT_PATH]);

    const report = await validate(rekeyed);
    expect(errorCodes(report)).toEqual(['result.signature-invalid']);
    expect(report.diagnostics[0].message).toContain('trust.signer-unknown');
    expect(report).toEqual(await validate(rekeyed, false));
    // The runner's own key back: the first verdict, still cached, applies again.
    expect((await validate(files)).valid).toBe(true);
    expect(Object.values(cachedVerdicts()).map((verdict) => verdict.ok)).toEqual([true]);
  });

  it('verifies again when the cached value is not a verdict', async () => {
    const files = signedRegistry();
    await validate(files);
    const dir = join(cacheDir, 'result-signatures');
    const [name] = readdirSync(dir);
    const stored = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    for (const key of Object.keys(stored.entries)) stored.entries[key] = { ok: 'yes' };
    writeFileSync(join(dir, name), JSON.stringify(stored));
    expect((await validate(files)).valid).toBe(true);
    expect(Object.values(cachedVerdicts())).toEqual([{ ok: true, fingerprint: expect.any(String) }]);
  });
});
