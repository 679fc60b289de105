/**
 * `gitperf demo`: the MedPerf seed workflow, every role played in turn on a fresh local registry, through
 * the same procedures the participants' commands use (cli/src/participants), the local forge, the
 * policy engine and the workflows. Each step is announced on one line as it happens.
 *
 * The rejected request: kim runs `association request` twice for bc-stump; the committee (raj) rejects
 * the duplicate (request-changes, then closed unmerged) and approves the first one later.
 *
 * Results are nobody's typing: once the associations merge, each hospital's runner makes one pass (the
 * runner module's pass, as `runner start --once`, under the hospital's own profile and home) and submits
 * one result per job; hospital C's runner has review consent, so its owner approves those submissions,
 * while A's and B's standing consent lets their results merge as they pass; the merge bot (one pass of
 * cli/src/submission/bot.ts) merges. When kim's model is approved later, the next runner passes run only
 * its jobs (the plan is incremental), and the stump's failure at hospital C yields the partial result the
 * table marks.
 */
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { fail } from '../diagnostics/diagnostic.js';
import { homeLayout } from '../infra/gitperf-home.js';
import { boardsOf } from '../leaderboard/build.js';
import { collectBenchmarks } from '../leaderboard/collect.js';
import { decryptLeaderboardInputs } from '../leaderboard/decrypt.js';
import { lastCommits } from '../leaderboard/merge-commits.js';
import { writeSite } from '../leaderboard/site.js';
import {
  ensureMemberAgeIdentity,
  entityFile,
  givenConsent,
  localMemberKey,
  type Participant,
  prepare,
  registerDataset,
  registerRunner,
  registrySnapshot,
  requestAssociation,
  type SubmitOutcome,
  setAssociationPriority,
  submit,
  submitBenchmark,
  submitMlcube,
} from '../participants/index.js';
import { repoEntityPath } from '../registry/layout.js';
import type { User } from '../registry/types.generated.js';
import { type PassReport, runnerPass } from '../runner/index.js';
import {
  type BotPass,
  botPass,
  closeSubmission,
  mergeSubmission,
  openLocalContext,
  reviewSubmission,
  type SubmissionContext,
} from '../submission/index.js';
import { renderResultTable } from '../submission/listings.js';
import { readIdentityFile } from '../trust/index.js';
import type { RunnerKind } from '../workflows/execution.js';
import { sandboxInstalled } from '../workflows/execution-options.js';
import { prepareDataset } from '../workflows/prepare-dataset.js';
import { ADMIN, bootstrapRegistry, PACKAGE_EXAMPLES } from './bootstrap.js';
import { type DemoResults, demoResults } from './results-table.js';

export const BENCHMARK = 'bc-diagnosis';

/** The consortium, one member per MedPerf role (the README's walkthrough): login → User spec. */
export const USERS: Record<string, User['spec']> = {
  ana: { displayName: 'Ana Committee', organization: 'Demo Consortium' },
  raj: { displayName: 'Raj Committee', organization: 'Demo Consortium' },
  lee: { displayName: 'Lee Modeller', organization: 'Centroid Labs' },
  kim: { displayName: 'Kim Modeller', organization: 'Stump Labs' },
  'hospital-a': { displayName: 'Hospital A', organization: 'Hospital A' },
  'hospital-b': { displayName: 'Hospital B', organization: 'Hospital B' },
  'hospital-c': { displayName: 'Hospital C', organization: 'Hospital C' },
};

/** The committee member whose age identity reads the encrypted results for the demo's table and leaderboard. */
const COMMITTEE_READER = 'ana';

/** owner, name, example folder, description. */
export const CUBES: Array<[string, string, string, string]> = [
  ['ana', 'bc-prep', 'prep', 'Data preparator: checks and normalises WDBC exports.'],
  ['ana', 'bc-logreg', 'logreg', 'Reference model: logistic regression.'],
  ['ana', 'bc-metrics', 'metrics', 'Metrics: AUC, accuracy, sensitivity, specificity, F1, coverage.'],
  ['lee', 'bc-centroid', 'centroid', 'Nearest-centroid model.'],
  ['kim', 'bc-stump', 'stump', 'Decision-stump model.'],
];

export const HOSPITALS: Array<{
  login: string;
  site: 'a' | 'b' | 'c';
  dataset: string;
  runner: string;
  location: string;
  /** The Runner's consent: standing (its results merge once the policy passes) or review (each one approved). */
  consent: 'standing' | 'review';
}> = [
  {
    login: 'hospital-a',
    site: 'a',
    dataset: 'wdbc-a',
    runner: 'runner-a',
    location: 'Hospital A',
    consent: 'standing',
  },
  {
    login: 'hospital-b',
    site: 'b',
    dataset: 'wdbc-b',
    runner: 'runner-b',
    location: 'Hospital B',
    consent: 'standing',
  },
  {
    login: 'hospital-c',
    site: 'c',
    dataset: 'wdbc-c',
    runner: 'runner-c',
    location: 'Hospital C',
    consent: 'review',
  },
];

export interface DemoOptions {
  /** Folder for the registry, its bare repository and $GITPERF_HOME (created; must be absent or empty). */
  dir?: string;
  runner: RunnerKind;
  /** Pinned container images per example folder (`REF@sha256:…`), for container runners. */
  images?: Record<string, string>;
  /** Where the step lines go (default stdout). */
  write?: (text: string) => void;
  /** Also print what each consent showed. */
  verbose?: boolean;
}

export interface DemoSubmission {
  number: number;
  title: string;
  author: string;
  state: 'merged' | 'closed';
  approvedBy: string[];
}

export interface DemoReport {
  dir: string;
  /** The admin's clone (pull to see the final registry) and the bare repository the profiles use. */
  clone: string;
  bare: string;
  home: string;
  runner: RunnerKind;
  seconds: number;
  submissions: DemoSubmission[];
  /** The duplicate association request the committee rejected. */
  rejected: number;
  results: DemoResults;
  /** The index page of the public leaderboard built at the end. */
  leaderboard: string;
  warnings: Diagnostic[];
}

export async function runDemo(opts: DemoOptions): Promise<DemoReport> {
  const t0 = performance.now();
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  const dir = resolve(opts.dir ?? (await mkdtemp(join(tmpdir(), 'gitperf-demo-'))));
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0)
    fail('demo.dir-not-empty', `${dir} is not empty; give a new or empty --dir`, {}, 2);
  const home = join(dir, 'home');
  const warnings = new Map<string, Diagnostic>();
  const warn = (diagnostic: Diagnostic) => {
    // The image is not used by the local runner; its missing digest is expected there.
    if (opts.runner === 'local' && diagnostic.code === 'cube.image-unpinned') return;
    // One of each kind: the same warning for every cube and every step says nothing new.
    if (!warnings.has(diagnostic.code)) warnings.set(diagnostic.code, diagnostic);
  };
  const submissions = new Map<number, DemoSubmission>();
  let stepNumber = 0;
  const step = async <T>(label: string, fn: () => Promise<T>, done: (outcome: T) => string): Promise<T> => {
    stepNumber++;
    write(`[${String(stepNumber).padStart(2)}] ${label} ... `);
    const s0 = performance.now();
    try {
      const outcome = await fn();
      write(`${done(outcome)} (${((performance.now() - s0) / 1000).toFixed(1)} s)\n`);
      return outcome;
    } catch (e) {
      write('FAILED\n');
      throw e;
    }
  };

  /** Independent local work of several parties at once (one line each, as each finishes). */
  const together = async <T>(
    items: Array<{ label: string; fn: () => Promise<T>; done: (outcome: T) => string }>,
  ): Promise<T[]> => {
    const s0 = performance.now();
    return Promise.all(
      items.map(async (it) => {
        try {
          const outcome = await it.fn();
          stepNumber++;
          write(
            `[${String(stepNumber).padStart(2)}] ${it.label} ... ${it.done(outcome)} (${((performance.now() - s0) / 1000).toFixed(1)} s)\n`,
          );
          return outcome;
        } catch (e) {
          stepNumber++;
          write(`[${String(stepNumber).padStart(2)}] ${it.label} ... FAILED\n`);
          throw e;
        }
      }),
    );
  };

  // The demo runs only the project's own example cubes, so where bubblewrap is missing it runs them unsandboxed
  // (with this notice) rather than refusing, and works on a machine with only Node, git and python3.
  if (opts.runner === 'local' && !(await sandboxInstalled())) {
    write(
      'NOTICE: bubblewrap (bwrap) is not installed: the demo runs its own example cubes WITHOUT a sandbox. ' +
        'gitperf refuses that for any other cube unless you pass --unsafe-no-sandbox; install bubblewrap to run cubes sandboxed.\n',
    );
  }
  const logins = [ADMIN, ...Object.keys(USERS)];
  const reg = await step(
    `ada creates a fresh local registry in ${dir}`,
    () => bootstrapRegistry(dir, home, logins),
    (r) => `bare repository ${r.bare}`,
  );
  const contexts = new Map<string, SubmissionContext>();
  const ctx = async (login: string) => {
    let context = contexts.get(login);
    if (!context) {
      context = await openLocalContext(reg.bare, login, homeLayout(home).userKey(login));
      contexts.set(login, context);
    }
    return context;
  };
  const consentLog = (text: string) => {
    if (opts.verbose) write(`\n${text}\n     `);
  };
  // Each hospital keeps its local state (prepared data, cubes, results) on its own machine: its own home.
  const homeOf = (login: string) =>
    HOSPITALS.some((h) => h.login === login) ? join(dir, 'sites', login) : home;
  const as = async (login: string): Promise<Participant> => ({
    sub: await ctx(login),
    home: homeOf(login),
    runner: opts.runner,
    sandbox: 'auto',
    onWarning: warn,
    consent: givenConsent(consentLog),
    cwd: reg.clone,
  });
  const opened = <T extends SubmitOutcome>(outcome: T, author: string): T => {
    submissions.set(outcome.number, {
      number: outcome.number,
      title: outcome.title,
      author,
      state: 'merged',
      approvedBy: [],
    });
    return outcome;
  };
  const merge = async (login: string, num: number) => {
    const merged = await mergeSubmission(await ctx(login), num);
    const submission = submissions.get(num);
    if (submission) submission.approvedBy = merged.trailers.map((t) => t.replace(/^Approved-by:\s*/, ''));
    return merged;
  };
  const approve = async (login: string, num: number, msg?: string) =>
    reviewSubmission(await ctx(login), num, 'APPROVE', msg);
  const waiting = (outcome: SubmitOutcome) =>
    outcome.status === 'pass'
      ? 'ready to merge'
      : `waiting for ${outcome.waitingFor.map((w) => `@${w}`).join(' or ')}`;

  // 1. The admin registers the consortium's members.
  const users = await step(
    `ada submits the ${Object.keys(USERS).length} consortium members (users)`,
    async () => {
      // Each member's profile made their signing key in the demo's home: register it with them. Each member
      // also makes an age identity where they work (`gitperf user age-key`): the benchmark keeps results
      // encrypted to the committee, the data owner and (participants: full) the model owner.
      const keys = await Promise.all(Object.keys(USERS).map((login) => localMemberKey(home, login)));
      const ageRecipients = await Promise.all(
        Object.keys(USERS).map(
          async (login) => (await ensureMemberAgeIdentity(homeOf(login), login)).recipients,
        ),
      );
      const files = Object.entries(USERS).map(([login, spec], index) =>
        entityFile(repoEntityPath('User', login), {
          apiVersion: 'gitperf/v1',
          kind: 'User',
          metadata: { name: login },
          spec: {
            ...spec,
            ...(keys[index] ? { sshKeys: [keys[index]] } : {}),
            ageRecipients: ageRecipients[index],
          },
        }),
      );
      const outcome = opened(
        await submit(await as(ADMIN), files, { title: 'Add the members of the demo consortium' }),
        ADMIN,
      );
      await merge(ADMIN, outcome.number);
      return outcome;
    },
    (o) => `#${o.number} merged (the only admin's own change needs no other approval)`,
  );
  void users;

  // 2. The committee registers its three cubes (self-service) and the benchmark (admin approval).
  const cubeOpts = (folder: string) => ({
    manifest: `examples/cubes/${folder}/mlcube.yaml`,
    parameters: `examples/cubes/${folder}/workspace/parameters.yaml`,
    ...(folder === 'logreg' ? { additionalFiles: 'examples/cubes/logreg/additional_files.tar.gz' } : {}),
    ...(opts.images?.[folder] ? { image: opts.images[folder] } : {}),
    operational: true,
  });
  const submitCube = async ([owner, name, folder, description]: (typeof CUBES)[number]) =>
    step(
      `${owner} submits MLCube ${owner}/${name} (examples/cubes/${folder})`,
      async () => {
        const outcome = opened(
          await submitMlcube(await as(owner), { name, description, ...cubeOpts(folder) }),
          owner,
        );
        await merge(owner, outcome.number);
        return outcome;
      },
      (o) => `#${o.number} merged (self-service)`,
    );
  for (const cube of CUBES.slice(0, 3)) await submitCube(cube);
  const bench = await step(
    `ana submits benchmark ${BENCHMARK} (compatibility test on the demo data)`,
    async () =>
      opened(
        await submitBenchmark(await as('ana'), {
          name: BENCHMARK,
          description: 'Breast-cancer diagnosis (malignant vs benign) from WDBC cell-nucleus features.',
          preparator: 'ana/bc-prep',
          referenceModel: 'ana/bc-logreg',
          metrics: 'ana/bc-metrics',
          demoDataset: 'examples/data/demo/demo.tar.gz',
          committee: ['ana', 'raj'],
          primaryMetric: 'auc',
          sharing: 'per-model',
          // Participants see the full matrix; cells under 20 cases (the stump's failed run at C) are suppressed.
          release: { participants: 'full', minCasesPerCell: 20, leaderboard: 'all' },
        }),
        'ana',
      ),
    (o) => `#${o.number} opened, auc ${o.entity.spec.compatibilityTest.metrics.auc}; ${waiting(o)}`,
  );
  await step(
    `ada approves and merges #${bench.number}`,
    async () => {
      await approve(ADMIN, bench.number);
      return merge(ADMIN, bench.number);
    },
    (m) => `merged, ${m.trailers.join(', ')}`,
  );

  // 3. Model owners register their cubes and ask to join; the committee decides.
  for (const cube of CUBES.slice(3)) await submitCube(cube);
  const modelReq = async (owner: string, model: string, again = false) =>
    step(
      `${owner} requests association of ${model} with ${BENCHMARK}${again ? ' again (a duplicate)' : ''}`,
      async () => opened(await requestAssociation(await as(owner), { benchmark: BENCHMARK, model }), owner),
      (o) => `#${o.number} opened, demo auc ${o.compatibilityTest.metrics.auc}; ${waiting(o)}`,
    );
  const leeReq = await modelReq('lee', 'lee/bc-centroid');
  const kimReq = await modelReq('kim', 'kim/bc-stump');
  const dup = await modelReq('kim', 'kim/bc-stump', true);
  await step(
    `raj rejects #${dup.number} (request changes, close unmerged)`,
    async () => {
      const rajContext = await ctx('raj');
      await reviewSubmission(
        rajContext,
        dup.number,
        'REQUEST_CHANGES',
        `Duplicate of #${kimReq.number}; rejecting this one.`,
      );
      await closeSubmission(rajContext, dup.number);
      const submission = submissions.get(dup.number);
      if (submission) submission.state = 'closed';
    },
    () => 'closed without merging',
  );
  const approveModel = (request: typeof leeReq, later = '') =>
    step(
      `raj approves and merges #${request.number} (${request.path
        .split('/')
        .pop()
        ?.replace(/\.yaml$/, '')})${later}`,
      async () => {
        await approve('raj', request.number);
        return merge('raj', request.number);
      },
      (m) => `merged, ${m.trailers.join(', ')}`,
    );
  // kim's request waits for the committee until the hospitals' runners have run the first jobs.
  await approveModel(leeReq);
  await step(
    `ana sets the priority of lee/bc-centroid to 1 (it runs before kim/bc-stump)`,
    async () => {
      const outcome = opened(
        await setAssociationPriority(await as('ana'), {
          benchmark: BENCHMARK,
          model: 'lee/bc-centroid',
          priority: 1,
        }),
        'ana',
      );
      await merge('ana', outcome.number);
      return outcome;
    },
    (o) => `#${o.number} merged (committee-only field, no approval needed)`,
  );

  // 4. Hospitals prepare and register their data, declare a runner and ask to join; the committee approves.
  await together(
    HOSPITALS.map((hospital) => ({
      label: `${hospital.login} prepares ${hospital.dataset} with ana/bc-prep (examples/data/sites/${hospital.site}, stays local)`,
      fn: async () => {
        const ready = await prepare(await as(hospital.login));
        return prepareDataset(
          {
            preparator: 'ana/bc-prep',
            data: join(PACKAGE_EXAMPLES, 'data', 'sites', hospital.site, 'data'),
            labels: join(PACKAGE_EXAMPLES, 'data', 'sites', hospital.site, 'labels'),
            name: hospital.dataset,
            owner: hospital.login,
            location: hospital.location,
            description: `WDBC cases held at ${hospital.location}.`,
          },
          ready,
        );
      },
      done: (ds: Awaited<ReturnType<typeof prepareDataset>>) =>
        `${ds.entity.spec.statistics.num_samples ?? '?'} samples, generatedUid ${ds.entity.spec.generatedUid.slice(7, 19)}…`,
    })),
  );
  for (const hospital of HOSPITALS) {
    const participant = await as(hospital.login);
    await step(
      `${hospital.login} registers ${hospital.login}/${hospital.dataset} (metadata only, with consent)`,
      async () => {
        const outcome = opened(
          await registerDataset(participant, { name: hospital.dataset }),
          hospital.login,
        );
        await merge(hospital.login, outcome.number);
        return outcome;
      },
      (o) => `#${o.number} merged (self-service)`,
    );
    await step(
      `${hospital.login} registers runner ${hospital.login}/${hospital.runner} (consent: ${hospital.consent})`,
      async () => {
        const outcome = opened(
          await registerRunner(participant, {
            name: hospital.runner,
            datasets: [hospital.dataset],
            description: `Self-hosted CI runner inside ${hospital.location}.`,
            consent: hospital.consent,
          }),
          hospital.login,
        );
        await merge(hospital.login, outcome.number);
        return outcome;
      },
      (o) => `#${o.number} merged (self-service)`,
    );
    const req = await step(
      `${hospital.login} requests association of ${hospital.login}/${hospital.dataset} (reference model on the local data)`,
      async () =>
        opened(
          await requestAssociation(participant, {
            benchmark: BENCHMARK,
            dataset: `${hospital.login}/${hospital.dataset}`,
          }),
          hospital.login,
        ),
      (o) => `#${o.number} opened, auc ${o.compatibilityTest.metrics.auc}; ${waiting(o)}`,
    );
    await step(
      `ana approves and merges #${req.number}`,
      async () => {
        await approve('ana', req.number);
        return merge('ana', req.number);
      },
      (m) => `merged, ${m.trailers.join(', ')}`,
    );
  }

  // 5. Nobody types `benchmark run`, `result submit` or `merge` for results: each hospital's runner makes
  // one pass (`runner start --once`) and submits one result per job, the data owner approves the results
  // of a runner with review consent, and the merge bot merges what passes.
  const bot = async (label: string) =>
    step(
      `bot: one pass over the open submissions${label}`,
      async () => {
        const pass = await botPass(await ctx(ADMIN));
        for (const action of pass.actions) {
          if (action.action === 'merged')
            submissions.set(action.number, {
              number: action.number,
              title: action.title,
              author: submissions.get(action.number)?.author ?? '',
              state: 'merged',
              approvedBy: action.trailers.map((t) => t.replace(/^Approved-by:\s*/, '')),
            });
        }
        const failing = pass.actions.filter((a) => a.action !== 'merged' && a.action !== 'waiting');
        if (failing.length > 0)
          fail(
            'demo.bot-failed',
            `the merge bot did not merge: ${failing.map((a) => `#${a.number} ${a.action}`).join(', ')}`,
          );
        return pass;
      },
      describeBotPass,
    );
  const runners = async (what: string) =>
    together(
      HOSPITALS.map((hospital) => ({
        label: `runner ${hospital.login}/${hospital.runner} (consent: ${hospital.consent}) makes one pass${what}`,
        fn: async () => {
          // Starting the runner is the hospital's go-ahead; the Runner's consent decides the rest.
          const participant = { ...(await as(hospital.login)), consent: givenConsent() };
          const pass = await runnerPass({ participant, runnerRef: `${hospital.login}/${hospital.runner}` });
          if (!pass.ok)
            fail(
              'demo.runner-failed',
              `runner ${pass.runner}: ${pass.jobs
                .filter((j) => j.status !== 'submitted' && j.status !== 'already-submitted')
                .map((j) => `${j.model} ${j.status}: ${j.diagnostics.map((d) => d.message).join('; ')}`)
                .join(', ')}`,
            );
          for (const job of pass.jobs)
            if (job.submission !== undefined)
              submissions.set(job.submission, {
                number: job.submission,
                title: `results of ${job.model} on ${job.dataset}`,
                author: hospital.login,
                state: 'merged',
                approvedBy: [],
              });
          return pass;
        },
        done: describeRunnerPass,
      })),
    );
  /** The data owners whose runner asks for review approve what their runner submitted. */
  const reviewResults = async (passes: PassReport[]) => {
    for (const [i, hospital] of HOSPITALS.entries()) {
      if (hospital.consent !== 'review') continue;
      const numbers = passes[i].jobs.flatMap((j) => (j.submission === undefined ? [] : [j.submission]));
      await step(
        `${hospital.login} reviews what its runner submitted (consent: review)`,
        async () => {
          for (const num of numbers)
            await approve(hospital.login, num, 'Checked: these results may be published.');
        },
        () => `approved ${numbers.map((num) => `#${num}`).join(', ')}`,
      );
    }
  };
  const firstRound = await runners('');
  await bot(' (standing consent merges; review consent waits)');
  await reviewResults(firstRound);
  await bot('');

  // 6. The committee approves kim's model later: the plan is incremental, only that model's jobs run.
  await approveModel(kimReq, ' (a model joins later)');
  const secondRound = await runners(' (only the new model)');
  await reviewResults(secondRound);
  await bot('');

  const final = await registrySnapshot(await ctx(ADMIN), home);
  // The committee reads the encrypted results with its identity (in CI: a workflow secret, `--identity`).
  const committeeIdentities = await readIdentityFile(homeLayout(home).ageIdentity(COMMITTEE_READER));
  const results = await demoResults(final.registry.index, BENCHMARK, committeeIdentities);
  write(`\n${renderResultTable(results.table)}\n\n`);
  for (const summary of results.summaries) write(`${summary.line}\n`);
  // 7. The public leaderboard of what was merged, under the benchmark's sharing policy.
  const leaderboard = await step(
    'the leaderboard is built from main (public view)',
    async () => {
      const commits = await lastCommits({ repoDir: reg.bare, commit: 'HEAD', registryPrefix: 'registry' });
      const { benchmarks } = await decryptLeaderboardInputs(
        collectBenchmarks(final.registry.index),
        committeeIdentities,
      );
      const boards = boardsOf(benchmarks, { view: 'public', commits });
      return (await writeSite(join(dir, 'leaderboard'), boards, 'public')).index;
    },
    (index) => index,
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    dir,
    clone: reg.clone,
    bare: reg.bare,
    home,
    runner: opts.runner,
    seconds,
    submissions: [...submissions.values()].sort((a, b) => a.number - b.number),
    rejected: dup.number,
    results,
    leaderboard,
    warnings: [...warnings.values()],
  };
}

/** `2 jobs run (ana/bc-logreg, lee/bc-centroid), 2 results submitted: #24, #26 (1 partial)`. */
function describeRunnerPass(pass: PassReport): string {
  const ran = pass.jobs.filter((j) => j.status === 'submitted');
  const partial = ran.filter((j) => j.partial).length;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return (
    `${plural(ran.length, 'job')} run (${ran.map((j) => j.model).join(', ')}), ` +
    `${plural(ran.length, 'result')} submitted: ${ran.map((j) => `#${j.submission}`).join(', ')}` +
    (partial > 0 ? ` (${partial} partial)` : '')
  );
}

/** `merged #24, #25 (no review needed), #26 (Approved-by: hospital-c); #9 waiting for @ana or @raj`. */
function describeBotPass(pass: BotPass): string {
  const merged = pass.actions.flatMap((a) => (a.action === 'merged' ? [a] : []));
  const waiting = pass.actions.flatMap((a) => (a.action === 'waiting' ? [a] : []));
  // One group per set of approvals, so a merge that needed none is not shown with another's reviewer.
  const byApprovals = new Map<string, number[]>();
  for (const action of merged) {
    const approvals = action.trailers.join(', ') || 'no review needed';
    byApprovals.set(approvals, [...(byApprovals.get(approvals) ?? []), action.number]);
  }
  const parts = [
    merged.length > 0
      ? `merged ${[...byApprovals].map(([approvals, numbers]) => `${numbers.map((num) => `#${num}`).join(', ')} (${approvals})`).join(', ')}`
      : 'nothing to merge',
  ];
  // One group per set of reviewers awaited (a model association waits for the committee, results for their owner).
  const groups = new Map<string, number[]>();
  for (const action of waiting) {
    const who = action.waitingFor.map((login) => `@${login}`).join(' or ') || 'approval';
    groups.set(who, [...(groups.get(who) ?? []), action.number]);
  }
  for (const [who, numbers] of groups)
    parts.push(`${numbers.map((num) => `#${num}`).join(', ')} waiting for ${who}`);
  return parts.join('; ');
}
