/**
 * A registry waiting for a hospital runner, built as the demo builds it (bootstrap, the committee's cubes
 * and benchmark, lee's model association, all through the participants' procedures and the local forge,
 * cubes run by the local runner): hospital-a holds two datasets (wdbc-a from site a, wdbc-x from site b),
 * both registered and associated, and one merged Runner serving both, with the consent given. hospital-a's
 * machine is its own $GITPERF_HOME (`siteHome`), with both datasets prepared and hospital-a's profile.
 * Two models (the reference ana/bc-logreg and lee/bc-centroid) × two datasets: four jobs.
 */
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN, bootstrapRegistry, PACKAGE_EXAMPLES } from '../../cli/src/demo/bootstrap.js';
import { BENCHMARK, USERS } from '../../cli/src/demo/demo.js';
import { homeLayout } from '../../cli/src/infra/gitperf-home.js';
import {
  ensureMemberAgeIdentity,
  entityFile,
  givenConsent,
  localMemberAgeRecipients,
  type Participant,
  prepare,
  registerDataset,
  registerRunner,
  requestAssociation,
  submit,
  submitBenchmark,
  submitMlcube,
} from '../../cli/src/participants/index.js';
import { localMemberKey } from '../../cli/src/participants/user-add.js';
import { createProfile } from '../../cli/src/profile/profile.js';
import { repoEntityPath } from '../../cli/src/registry/layout.js';
import {
  mergeSubmission,
  openLocalContext,
  reviewSubmission,
  type SubmissionContext,
} from '../../cli/src/submission/index.js';
import { prepareDataset } from '../../cli/src/workflows/prepare-dataset.js';

export const HOSPITAL = 'hospital-a';
export const RUNNER = 'hospital-a/runner-a';
export const DATASETS = ['wdbc-a', 'wdbc-x'] as const;
export const MODELS = ['ana/bc-logreg', 'lee/bc-centroid'] as const;
export { BENCHMARK };

export interface RunnerRegistry {
  dir: string;
  bare: string;
  clone: string;
  /** The admin's home (profiles of every login). */
  home: string;
  /** hospital-a's machine: its profile and both datasets prepared. */
  siteHome: string;
  ctx(login: string): Promise<SubmissionContext>;
}

export async function buildRunnerRegistry(
  dir: string,
  consent: 'review' | 'standing',
  /** The datasets whose association with the benchmark is requested and merged (default both). */
  associated: readonly string[] = DATASETS,
): Promise<RunnerRegistry> {
  const home = join(dir, 'home');
  const siteHome = join(dir, 'site-a');
  const reg = await bootstrapRegistry(dir, home, [ADMIN, ...Object.keys(USERS)]);
  await createProfile(HOSPITAL, { forge: 'local', registry: reg.bare, user: HOSPITAL }, { home: siteHome });
  const contexts = new Map<string, SubmissionContext>();
  const ctx = async (login: string) => {
    let c = contexts.get(login);
    if (!c) {
      // Reviews count only when signed with the key the member's User file registers (made with the profile).
      c = await openLocalContext(reg.bare, login, homeLayout(home).userKey(login));
      contexts.set(login, c);
    }
    return c;
  };
  const as = async (login: string): Promise<Participant> => ({
    sub: await ctx(login),
    home: login === HOSPITAL ? siteHome : home,
    runner: 'local',
    consent: givenConsent(),
    cwd: reg.clone,
  });
  const merge = async (login: string, n: number) => mergeSubmission(await ctx(login), n);
  const approveAndMerge = async (login: string, n: number) => {
    await reviewSubmission(await ctx(login), n, 'APPROVE');
    await merge(login, n);
  };

  // Each member's key from the admin's home; hospital-a's machine made its own key too (its runner signs
  // reviews there), so hospital-a registers both.
  const keysOf = async (login: string) =>
    (
      await Promise.all([
        localMemberKey(home, login),
        login === HOSPITAL ? localMemberKey(siteHome, login) : undefined,
      ])
    ).filter((key): key is string => key !== undefined);
  // The benchmark keeps results encrypted (per-model sharing): the committee's ana reads them (age identity in
  // the admin's home), so the runner's results can be encrypted to the committee.
  await ensureMemberAgeIdentity(home, 'ana');
  const userFiles = await Promise.all(
    Object.entries(USERS).map(async ([login, spec]) => {
      const sshKeys = await keysOf(login);
      const ageRecipients = await localMemberAgeRecipients(home, login);
      return entityFile(repoEntityPath('User', login), {
        apiVersion: 'gitperf/v1',
        kind: 'User',
        metadata: { name: login },
        spec: {
          ...spec,
          ...(sshKeys.length ? { sshKeys } : {}),
          ...(ageRecipients ? { ageRecipients } : {}),
        },
      });
    }),
  );
  const users = await submit(await as(ADMIN), userFiles);
  await merge(ADMIN, users.number);
  const cube = async (owner: string, name: string, folder: string) => {
    const o = await submitMlcube(await as(owner), {
      name,
      manifest: `examples/cubes/${folder}/mlcube.yaml`,
      parameters: `examples/cubes/${folder}/workspace/parameters.yaml`,
      ...(folder === 'logreg' ? { additionalFiles: 'examples/cubes/logreg/additional_files.tar.gz' } : {}),
      operational: true,
    });
    await merge(owner, o.number);
  };
  await cube('ana', 'bc-prep', 'prep');
  await cube('ana', 'bc-logreg', 'logreg');
  await cube('ana', 'bc-metrics', 'metrics');
  const bench = await submitBenchmark(await as('ana'), {
    name: BENCHMARK,
    preparator: 'ana/bc-prep',
    referenceModel: 'ana/bc-logreg',
    metrics: 'ana/bc-metrics',
    demoDataset: 'examples/data/demo/demo.tar.gz',
    committee: ['ana', 'raj'],
    primaryMetric: 'auc',
    sharing: 'per-model',
  });
  await approveAndMerge(ADMIN, bench.number);
  await cube('lee', 'bc-centroid', 'centroid');
  const lee = await requestAssociation(await as('lee'), { benchmark: BENCHMARK, model: 'lee/bc-centroid' });
  await approveAndMerge('raj', lee.number);

  const hospital = await as(HOSPITAL);
  const sites: Record<(typeof DATASETS)[number], string> = { 'wdbc-a': 'a', 'wdbc-x': 'b' };
  for (const name of DATASETS) {
    const ready = await prepare(hospital);
    await prepareDataset(
      {
        preparator: 'ana/bc-prep',
        data: join(PACKAGE_EXAMPLES, 'data', 'sites', sites[name], 'data'),
        labels: join(PACKAGE_EXAMPLES, 'data', 'sites', sites[name], 'labels'),
        name,
        owner: HOSPITAL,
      },
      ready,
    );
    const ds = await registerDataset(hospital, { name });
    await merge(HOSPITAL, ds.number);
  }
  const runner = await registerRunner(hospital, {
    name: RUNNER.split('/')[1],
    datasets: [...DATASETS],
    consent,
  });
  await merge(HOSPITAL, runner.number);
  for (const name of associated) {
    const req = await requestAssociation(hospital, { benchmark: BENCHMARK, dataset: `${HOSPITAL}/${name}` });
    await approveAndMerge('ana', req.number);
  }
  return { dir, bare: reg.bare, clone: reg.clone, home, siteHome, ctx };
}

/**
 * Another machine of the same hospital: hospital-a's profile and a copy of the prepared data named (all by
 * default), nothing else (no results, no runner memory).
 */
export async function machine(reg: RunnerRegistry, name: string, datasets: readonly string[] = DATASETS) {
  const home = join(reg.dir, name);
  await mkdir(join(home, 'datasets'), { recursive: true });
  await cp(join(reg.siteHome, 'config.yaml'), join(home, 'config.yaml'));
  for (const d of datasets)
    await cp(join(reg.siteHome, 'datasets', d), join(home, 'datasets', d), { recursive: true });
  return home;
}
