/**
 * `association request --dataset` publishes the reference model's metrics on the hospital's prepared data: like
 * `result submit` (and MedPerf), it shows exactly what will be published and asks first. Real registry on the
 * local forge, real cube runs (local runner), the real CLI without a terminal.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GitperfError } from '../../cli/src/diagnostics/diagnostic.js';
import { LocalForge } from '../../cli/src/forge/local/local-forge.js';
import { homeLayout } from '../../cli/src/infra/gitperf-home.js';
import { requestAssociation } from '../../cli/src/participants/index.js';
import { openLocalContext } from '../../cli/src/submission/index.js';
import { cliBin } from '../helpers/cli.js';
import { BENCHMARK, buildRunnerRegistry, HOSPITAL, type RunnerRegistry } from '../runner/fixture.js';

let tmp: string;
let reg: RunnerRegistry;
/** Registered and prepared at hospital-a, not yet associated with the benchmark. */
const DATASET = `${HOSPITAL}/wdbc-x`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gitperf-assoc-consent-'));
  reg = await buildRunnerRegistry(tmp, 'review', ['wdbc-a']);
}, 300_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const forge = () => LocalForge.open({ registry: reg.bare, user: HOSPITAL });
/** Every submission that adds a DatasetAssociation of `DATASET`. */
const associationSubmissions = async () => {
  const all = await (await forge()).listSubmissions({ state: 'all' });
  return all.filter((s) => s.title.includes(DATASET) || s.head.includes('wdbc-x'));
};

describe('association request --dataset asks before publishing metrics computed on local data', () => {
  it('without a terminal and without -y, refuses (consent.required) and opens nothing', async () => {
    const before = (await associationSubmissions()).length;
    const run = await execa(
      'node',
      [
        cliBin,
        'association',
        'request',
        '--benchmark',
        BENCHMARK,
        '--dataset',
        DATASET,
        '--profile',
        HOSPITAL,
        '--runner',
        'local',
      ],
      { env: { ...process.env, GITPERF_HOME: reg.siteHome, NO_COLOR: '1' }, reject: false, timeout: 180_000 },
    );
    expect(run.exitCode, run.stderr).toBe(2); // consent.required is a usage error: answer, or pass -y
    expect(run.stderr).toMatch(/consent\.required/);
    expect(run.stderr).toMatch(/-y/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect((await associationSubmissions()).length).toBe(before);
  });

  it('shows the metrics it will publish; a refusal opens nothing, a yes publishes exactly what was shown', async () => {
    const participant = (answer: boolean, shown: string[]) => ({
      home: reg.siteHome,
      runner: 'local' as const,
      cwd: reg.clone,
      consent: async (what: string, question: string) => {
        shown.push(`${what}\n${question}`);
        return answer;
      },
    });
    const sub = await openLocalContext(reg.bare, HOSPITAL, homeLayout(reg.siteHome).userKey(HOSPITAL));
    const before = (await associationSubmissions()).length;

    const refusedShown: string[] = [];
    const refused = await requestAssociation(
      { ...participant(false, refusedShown), sub },
      { benchmark: BENCHMARK, dataset: DATASET },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(GitperfError);
    expect((refused as GitperfError).diagnostic.code).toBe('consent.refused');
    expect(refusedShown).toHaveLength(1);
    expect(refusedShown[0]).toMatch(
      /publishes the compatibility test of ana\/bc-logreg on your prepared data/,
    );
    expect(refusedShown[0]).toMatch(/the data itself stays here/);
    expect(refusedShown[0]).toMatch(/\n\s+auc: 0\.\d+/);
    expect(refusedShown[0]).toMatch(/Publish these metrics with the association request\?/);
    expect((await associationSubmissions()).length).toBe(before);

    const givenShown: string[] = [];
    const opened = await requestAssociation(
      { ...participant(true, givenShown), sub },
      { benchmark: BENCHMARK, dataset: DATASET },
    );
    expect((await associationSubmissions()).length).toBe(before + 1);
    // What was published is what was shown: the metrics block of the consent text is the entity's.
    const shownBlock = givenShown[0].split('\n\n')[1].split('\nPublish')[0];
    const shownTest = parse(shownBlock.replace(/^ {2}/gm, ''));
    expect(shownTest).toEqual(opened.entity.spec.compatibilityTest);
    expect(Object.keys(opened.entity.spec.compatibilityTest.metrics ?? {})).toContain('auc');
  });
});
