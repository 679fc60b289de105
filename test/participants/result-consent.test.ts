/**
 * `result submit` shows every byte that leaves before it asks (issue 11): the Result file exactly as it is
 * published and, when the benchmark keeps results encrypted, the plaintext inside the ciphertext (every metric
 * and sufficient statistic) and who can decrypt it. Real registry on the local forge (per-model sharing), a real
 * benchmark run (local runner), the consent refused so nothing is opened.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GitperfError } from '../../cli/src/diagnostics/diagnostic.js';
import { LocalForge } from '../../cli/src/forge/local/local-forge.js';
import { homeLayout } from '../../cli/src/infra/gitperf-home.js';
import {
  entityFile,
  metricsBlock,
  registrySnapshot,
  resultConsentText,
  submitResults,
} from '../../cli/src/participants/index.js';
import { openSealedMeasurements } from '../../cli/src/registry/result-encryption.js';
import type { Result } from '../../cli/src/registry/types.generated.js';
import { openLocalContext } from '../../cli/src/submission/index.js';
import { readIdentityFile } from '../../cli/src/trust/index.js';
import { toYaml } from '../../cli/src/workflows/atomic.js';
import { layout } from '../../cli/src/workflows/layout.js';
import { runCli } from '../helpers/cli.js';
import { BENCHMARK, buildRunnerRegistry, HOSPITAL, type RunnerRegistry } from '../runner/fixture.js';
import { sampleResult } from '../trust/fixtures.js';

let tmp: string;
let reg: RunnerRegistry;
const DATASET = `${HOSPITAL}/wdbc-a`;
const MODEL = 'ana/bc-logreg';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gitperf-result-consent-'));
  reg = await buildRunnerRegistry(tmp, 'review', ['wdbc-a']);
  // The run reads the registry's default branch as hospital-a's machine sees it (as the runner does).
  const sub = await openLocalContext(reg.bare, HOSPITAL, homeLayout(reg.siteHome).userKey(HOSPITAL));
  const snapshot = await registrySnapshot(sub, reg.siteHome);
  const run = await runCli(
    [
      'benchmark',
      'run',
      '--benchmark',
      BENCHMARK,
      '--dataset',
      'wdbc-a',
      '--model',
      MODEL,
      '--registry',
      snapshot.registryDir,
      '--runner',
      'local',
    ],
    { env: { GITPERF_HOME: reg.siteHome }, timeout: 180_000 },
  );
  if (run.exitCode !== 0) throw new Error(`benchmark run failed: ${run.stderr}`);
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The lines of `text` that follow `header` up to the next blank line, unindented by four spaces. */
function blockAfter(text: string, header: RegExp): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => header.test(line));
  expect(start, `no line matching ${header}`).toBeGreaterThanOrEqual(0);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('    ')) break;
    body.push(line.slice(4));
  }
  return body.join('\n');
}

describe('result submit consent screen', () => {
  it('of an encrypted result: the file as published, the plaintext sealed in it (every number) and its readers', async () => {
    const plain = parse(
      await readFile(layout(reg.siteHome).result(BENCHMARK, HOSPITAL, 'wdbc-a', MODEL), 'utf8'),
    ) as Result;
    const stats = plain.spec.sufficientStatistics;
    if (!stats?.thresholdGrid) throw new Error('the demo metrics cube emits a threshold grid');
    const sub = await openLocalContext(reg.bare, HOSPITAL, homeLayout(reg.siteHome).userKey(HOSPITAL));
    const before = (
      await (
        await LocalForge.open({ registry: reg.bare, user: HOSPITAL })
      ).listSubmissions({
        state: 'all',
      })
    ).length;
    const shown: string[] = [];
    const refused = await submitResults(
      {
        sub,
        home: reg.siteHome,
        runner: 'local',
        cwd: reg.clone,
        consent: async (what) => {
          shown.push(what);
          return false;
        },
      },
      { benchmark: BENCHMARK, dataset: DATASET, model: MODEL },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((refused as GitperfError).diagnostic?.code, String(refused)).toBe('consent.refused');
    expect(refused).toBeInstanceOf(GitperfError);
    const after = (
      await (
        await LocalForge.open({ registry: reg.bare, user: HOSPITAL })
      ).listSubmissions({
        state: 'all',
      })
    ).length;
    expect(after).toBe(before);
    expect(shown).toHaveLength(1);
    const text = shown[0];

    // The file as published: the public envelope, with the ciphertext in place of the numbers.
    const published = parse(blockAfter(text, /^File registry\/.+\.yaml, exactly as published/)) as Result;
    expect(published.spec.metrics).toBeUndefined();
    expect(published.spec.sufficientStatistics).toBeUndefined();
    expect(published.spec.encrypted?.ciphertext).toMatch(/BEGIN AGE ENCRYPTED FILE/);
    expect(published.spec.execution).toEqual(plain.spec.execution);
    expect(text).toContain(plain.spec.execution.dataset.generatedUid);
    for (const cube of plain.spec.execution.cubes)
      for (const hash of Object.values(cube.hashes)) expect(text).toContain(hash);

    // The plaintext sealed in it: every metric and every sufficient statistic, exactly what decrypts.
    const sealedHeader = /^Encrypted in that file's spec\.encrypted\.ciphertext, readable only by (.+?);/;
    const sealed = parse(blockAfter(text, sealedHeader));
    const metricsJson = Object.fromEntries(
      Object.entries(plain.spec.metrics ?? {}).map(([name, value]) => [
        name,
        Number.isNaN(value) ? 'NaN' : value,
      ]),
    );
    expect(Object.keys(metricsJson).length).toBeGreaterThan(3);
    expect(sealed.metrics).toEqual(metricsJson);
    expect(sealed.sufficientStatistics).toEqual(stats);
    expect(stats.thresholdGrid.length).toBeGreaterThan(50);
    expect(stats.cases).toBeGreaterThan(0);
    const ana = await readIdentityFile(homeLayout(reg.home).ageIdentity('ana'));
    const { ciphertext, measurementsSha256 } = published.spec.encrypted ?? {};
    const opened = await openSealedMeasurements(
      { ciphertext: String(ciphertext), measurementsSha256: String(measurementsSha256) },
      ana,
      'the shown result',
    );
    expect(opened).toBeDefined();
    expect(sealed.nonce).toBe(opened?.nonce);
    expect(sealed.sufficientStatistics).toEqual(opened?.sufficientStatistics);

    // Who can decrypt it: the logins it is encrypted to; readers without a recipient are named as such.
    const readers = text
      .split('\n')
      .find((line) => sealedHeader.test(line))
      ?.match(sealedHeader)?.[1];
    expect(readers).toBe('ana (committee)');
    expect(published.spec.encrypted?.recipients).toEqual(['ana']);
    expect(text).toMatch(/Not readable \(yet\) by raj \(committee\), hospital-a \(data owner\)/);
    // The summary says it is unsigned (no runner key named).
    expect(text).toContain(metricsBlock(plain).split('\n')[0]);
    expect(text).toMatch(/unsigned/);
  });

  it('of a plain result: the whole entity YAML, which is the plaintext', () => {
    const result = sampleResult() as unknown as Result;
    result.spec.sufficientStatistics = {
      cases: 33,
      operatingPoint: { threshold: 0.5, tp: 11, fp: 2, tn: 19, fn: 1 },
      thresholdGrid: [
        { threshold: 0.25, tp: 12, fp: 5, tn: 16, fn: 0 },
        { threshold: 0.75, tp: 9, fp: 1, tn: 20, fn: 3 },
      ],
    };
    const file = entityFile(join('registry', 'benchmarks', 'x.yaml'), result);
    const text = resultConsentText(DATASET, BENCHMARK, [{ result, signed: false, file }]);
    expect(text).toContain(
      toYaml(result)
        .trimEnd()
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n'),
    );
    expect(parse(blockAfter(text, /^File registry\/benchmarks\/x\.yaml, exactly as published/))).toEqual(
      parse(toYaml(result)),
    );
    expect(text).not.toMatch(/Encrypted|readable only by/);
    expect(text).toMatch(/in the clear/);
  });
});
