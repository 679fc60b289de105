/**
 * One pass of the embedded hospital runner (`gitperf runner start`): read the registry's default branch
 * through the profile's forge, take the plan for the datasets this Runner serves (cli/src/plan), run each
 * job with `benchmark run` semantics (cli/src/workflows: verified cubes, partial results on model errors)
 * and open one result submission per job (cli/src/participants' `submitResults`, the one submit path).
 *
 * Once per job: each job is submitted from its own branch (job-branch.ts), which the forge opens only
 * once (a compare-and-swap on the branch), so a runner killed at any moment and started again, or two
 * runner processes serving the same dataset, converge to one submission per job. A job already submitted
 * (open, merged or closed) is not run again; a job that failed is remembered (memory.ts) and not retried
 * until the registry changes what it runs.
 */
import { type Diagnostic, error, fail, GitperfError, warning } from '../diagnostics/diagnostic.js';
import type { Participant } from '../participants/context.js';
import { hasRunnerKey } from '../participants/result-signing.js';
import { submitResults } from '../participants/result-submit.js';
import { registrySnapshot } from '../participants/snapshot.js';
import { makePlan, type PlannedJob } from '../plan/index.js';
import { GitFileSource, GitView, type RegistryView } from '../policy/index.js';
import { entityFolder, repoEntityPath, repoRegistryFolder } from '../registry/layout.js';
import type { Dataset } from '../registry/types.generated.js';
import { runBenchmark } from '../workflows/benchmark-run.js';
import { cubeAccess } from '../workflows/cube-access.js';
import { layout } from '../workflows/layout.js';
import { loadPreparedDataset } from '../workflows/prepare-dataset.js';
import { loadBenchmark } from '../workflows/registry-access.js';
import { jobBranch } from './job-branch.js';
import { memoryFile, type RunnerMemory, readMemory, writeMemory } from './memory.js';

export type JobStatus =
  /** Ran and opened its result submission. */
  | 'submitted'
  /** A submission from its branch exists already (this runner earlier, or another runner process). */
  | 'already-submitted'
  /** Ran (or tried to) and failed; remembered. */
  | 'failed'
  /** Failed in an earlier pass against the same registry state; not retried. */
  | 'failed-before'
  /** Its dataset is not prepared on this machine. */
  | 'not-prepared'
  /** Stopped (Ctrl-C) before its submission was opened. */
  | 'interrupted';

export interface JobOutcome {
  id: string;
  benchmark: string;
  dataset: string;
  model: string;
  reason: 'new' | 'stale';
  branch: string;
  status: JobStatus;
  /** The submission opened (submitted) or found (already-submitted). */
  submission?: number;
  /** The result is partial (the model failed on part of the data). */
  partial?: boolean;
  diagnostics: Diagnostic[];
}

export interface PassReport {
  runner: string;
  /** The registry commit planned from. */
  registrySha: string;
  /** Nothing to look at: the registry is where the last pass left it and nothing waited on this machine. */
  unchanged: boolean;
  jobs: JobOutcome[];
  /** Datasets of this runner that are not prepared here, each with the command that prepares it. */
  notPrepared: Diagnostic[];
  /** Plan warnings (files the plan could not read). */
  warnings: Diagnostic[];
  /** Every job submitted or already submitted (what `--once` exits 0 on). */
  ok: boolean;
}

export interface RunnerPassContext {
  /** The hospital's profile: its forge and login, $GITPERF_HOME, the cube engine (already checked). */
  participant: Participant;
  /** The Runner entity (`owner/name`) this runner is. */
  runnerRef: string;
  /** One line per thing done, as it happens. */
  log?: (line: string) => void;
  /** Aborted (Ctrl-C): no new job starts and no submission is opened. */
  signal?: AbortSignal;
}

/**
 * The Runner this profile runs as: `name` (`owner/name`, or a name of the profile's login), else the only
 * Runner of the login on the default branch. It must be merged and owned by the login.
 */
export async function selectRunner(participant: Participant, name?: string): Promise<string> {
  const login = participant.sub.user.toLowerCase();
  const { view } = await participant.sub.baseState();
  if (name) {
    const ref = name.includes('/') ? name.toLowerCase() : `${login}/${name.toLowerCase()}`;
    if (!ref.startsWith(`${login}/`))
      fail(
        'runner.not-owner',
        `runner ${ref} belongs to ${ref.split('/')[0]}; this profile acts as ${login} (use ${ref.split('/')[0]}'s profile)`,
        {},
        2,
      );
    if (!view.has(repoEntityPath('Runner', ref)))
      fail(
        'runner.not-registered',
        `no Runner ${ref} on the registry's default branch (${repoEntityPath('Runner', ref)}); register it with \`gitperf runner register --name ${ref.split('/')[1]} --dataset NAME\` and have it merged`,
        {},
        2,
      );
    return ref;
  }
  const runners = view
    .list(repoRegistryFolder(entityFolder({ kind: 'Runner', owner: login })))
    .filter((path) => path.endsWith('.yaml'))
    .map((path) => `${login}/${path.slice(path.lastIndexOf('/') + 1, -'.yaml'.length)}`);
  if (runners.length === 1) return runners[0];
  if (runners.length === 0)
    fail(
      'runner.none',
      `${login} has no Runner on the registry's default branch; register one with \`gitperf runner register --name NAME --dataset NAME\` and have it merged`,
      {},
      2,
    );
  return fail(
    'runner.ambiguous',
    `${login} has ${runners.length} runners (${runners.join(', ')}); choose one with --name`,
    {},
    2,
  );
}

export async function runnerPass(ctx: RunnerPassContext): Promise<PassReport> {
  const participant = ctx.participant;
  const log = ctx.log ?? (() => {});
  const file = memoryFile(participant.home, ctx.runnerRef);
  // baseState fetches first (a URL registry's cache, the GitHub clone): this is the pass's one fetch.
  const [base, memory] = await Promise.all([participant.sub.baseState(), readMemory(file)]);
  const report: PassReport = {
    runner: ctx.runnerRef,
    registrySha: base.sha,
    unchanged: false,
    jobs: [],
    notPrepared: [],
    warnings: [],
    ok: true,
  };
  if (memory.registrySha === base.sha && !memory.waiting) {
    report.unchanged = true;
    // Jobs that failed against this state stay failed: --once says so by its exit code.
    report.ok = Object.keys(memory.failures).length === 0;
    return report;
  }
  if (!(base.view instanceof GitView))
    fail('runner.registry-unreadable', 'the registry must be read from git (a local or GitHub profile)');
  const plan = await makePlan(
    new GitFileSource(base.view),
    { runner: ctx.runnerRef },
    { repoDir: base.repoDir, commit: base.sha, registryPrefix: 'registry' },
  );
  report.warnings = plan.warnings;
  const jobs = plan.jobs.filter((j) => j.runner === ctx.runnerRef);
  const failures: RunnerMemory['failures'] = {};
  let waiting = false;
  if (jobs.length > 0) {
    const submitted = await submittedBranches(participant);
    const preparedHere = new Map<string, Diagnostic | undefined>();
    let snapshot: Awaited<ReturnType<typeof registrySnapshot>> | undefined;
    for (const job of jobs) {
      const branch = jobBranch(job, base.view);
      const outcome: JobOutcome = {
        id: job.id,
        benchmark: job.benchmark,
        dataset: job.dataset,
        model: job.model,
        reason: job.reason,
        branch,
        status: 'failed',
        diagnostics: [],
      };
      report.jobs.push(outcome);
      const existing = submitted.get(branch);
      if (existing !== undefined) {
        outcome.status = 'already-submitted';
        outcome.submission = existing;
        continue;
      }
      const before = memory.failures[branch];
      if (before) {
        failures[branch] = before;
        outcome.status = 'failed-before';
        outcome.diagnostics.push(
          error(
            before.code,
            `${describe(job)} failed at ${before.at} and is not retried until the registry changes its cubes or data: ${before.message}`,
          ),
        );
        log(`failed before  ${describe(job)}: ${before.code} (not retried)`);
        continue;
      }
      if (!preparedHere.has(job.dataset)) {
        const problem = await notPreparedHere(participant, job.dataset, base.view);
        preparedHere.set(job.dataset, problem);
        if (problem) {
          report.notPrepared.push(problem);
          log(`not prepared   ${job.dataset}: ${problem.message}`);
        }
      }
      if (preparedHere.get(job.dataset)) {
        outcome.status = 'not-prepared';
        waiting = true;
        continue;
      }
      if (ctx.signal?.aborted) {
        outcome.status = 'interrupted';
        continue;
      }
      snapshot ??= await registrySnapshot(participant.sub, participant.home);
      await runJob(ctx, job, outcome, snapshot);
      if (outcome.status === 'failed') {
        const first = outcome.diagnostics.find((d) => d.severity === 'error') ?? outcome.diagnostics[0];
        failures[branch] = {
          job: describe(job),
          code: first?.code ?? 'runner.job-failed',
          message: first?.message ?? 'the job failed',
          at: new Date().toISOString(),
        };
      }
    }
  }
  const interrupted = report.jobs.some((j) => j.status === 'interrupted');
  report.ok = report.jobs.every((j) => j.status === 'submitted' || j.status === 'already-submitted');
  // An interrupted pass is not complete: the next one plans again even on the same commit.
  await writeMemory(file, {
    version: 1,
    ...(interrupted ? {} : { registrySha: base.sha }),
    ...(waiting ? { waiting } : {}),
    failures,
  });
  return report;
}

function describe(job: PlannedJob): string {
  return `${job.benchmark} ${job.dataset} ${job.model}`;
}

/** Branch → submission number, over every submission of the forge (open, merged or closed). */
async function submittedBranches(participant: Participant): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const submission of await participant.sub.forge.listSubmissions({ state: 'all' }))
    if (submission.head.startsWith('gitperf/run/')) out.set(submission.head, submission.number);
  return out;
}

/**
 * Why a dataset's jobs cannot run here, or undefined when its prepared data is on this machine: prepared
 * under the dataset's name, by the same owner, with the registered generatedUid.
 */
async function notPreparedHere(
  participant: Participant,
  datasetRef: string,
  view: RegistryView,
): Promise<Diagnostic | undefined> {
  const [owner, name] = datasetRef.split('/');
  const registered = (view.get(repoEntityPath('Dataset', datasetRef))?.data as Dataset | undefined)?.spec;
  const how = `prepare it on this machine with \`gitperf dataset prepare --preparator ${registered?.preparator ?? 'OWNER/NAME'} --data DATA --labels LABELS --name ${name} --owner ${owner}\` (GITPERF_HOME ${participant.home})`;
  try {
    const ds = await loadPreparedDataset(name, layout(participant.home));
    if (ds.entity.metadata.owner !== owner)
      return warning(
        'runner.dataset-not-prepared',
        `the dataset prepared here as ${name} belongs to ${ds.entity.metadata.owner}, not ${owner}; ${how}`,
      );
    if (registered && ds.entity.spec.generatedUid !== registered.generatedUid)
      return warning(
        'runner.dataset-not-prepared',
        `the data prepared here as ${name} (generatedUid ${ds.entity.spec.generatedUid}) is not the registered ${datasetRef} (${registered.generatedUid}); ${how}`,
      );
    return undefined;
  } catch (e) {
    if (!(e instanceof GitperfError)) throw e;
    return warning('runner.dataset-not-prepared', `${datasetRef} is not prepared on this machine; ${how}`);
  }
}

/** Runs one job and opens its submission; the outcome says what happened. Never throws a GitperfError. */
async function runJob(
  ctx: RunnerPassContext,
  job: PlannedJob,
  outcome: JobOutcome,
  snapshot: Awaited<ReturnType<typeof registrySnapshot>>,
): Promise<void> {
  const participant = ctx.participant;
  const log = ctx.log ?? (() => {});
  const lay = layout(participant.home);
  try {
    const bench = await loadBenchmark(job.benchmark, snapshot.registryDir);
    const exec = cubeAccess({
      runner: participant.runner,
      layout: lay,
      registry: snapshot.registry,
      onWarning: participant.onWarning,
      containerLoglevel: participant.containerLoglevel,
    });
    log(`running        ${describe(job)} (${job.reason})`);
    const run = await runBenchmark(
      {
        benchmark: bench,
        dataset: job.dataset.split('/')[1],
        models: [job.model],
        ignoreModelErrors: true,
        runnerRef: ctx.runnerRef,
      },
      { exec, layout: lay, progress: participant.progress },
    );
    const model = run.runs[0];
    outcome.diagnostics.push(...(model?.diagnostics ?? []));
    // Ctrl-C reaches the cubes too: what failed then is not the job's failure, and nothing is opened.
    if (ctx.signal?.aborted) {
      outcome.status = 'interrupted';
      return;
    }
    if (!model?.result) {
      outcome.status = 'failed';
      const first = outcome.diagnostics.find((d) => d.severity === 'error') ?? outcome.diagnostics[0];
      log(`failed         ${describe(job)}: ${first ? `${first.code} ${first.message}` : model?.status}`);
      return;
    }
    outcome.partial = model.result.spec.partial;
    const opened = await submitResults(participant, {
      benchmark: job.benchmark,
      dataset: job.dataset,
      model: job.model,
      branch: outcome.branch,
      // Signed with this runner's key when it was made on this machine (`runner register`); else unsigned.
      ...(hasRunnerKey(participant.home, ctx.runnerRef) ? { runner: ctx.runnerRef } : {}),
    });
    outcome.status = 'submitted';
    outcome.submission = opened.number;
    log(
      `submitted      ${describe(job)}: #${opened.number}${outcome.partial ? ' (partial)' : ''}, ${opened.status === 'pass' ? 'ready to merge' : opened.status === 'pending' ? `waiting for ${opened.waitingFor.map((w) => `@${w}`).join(' or ')}` : 'failing the policy'}`,
    );
  } catch (e) {
    if (!(e instanceof GitperfError)) throw e;
    const code = e.diagnostic.code;
    if (code === 'forge.branch-exists' || code === 'github.branch-exists') {
      // Another runner process opened it between our listing and our write: the forge kept one.
      outcome.status = 'already-submitted';
      log(`already open   ${describe(job)} (another runner submitted it first)`);
      return;
    }
    outcome.diagnostics.push(e.diagnostic);
    outcome.status = ctx.signal?.aborted ? 'interrupted' : 'failed';
    if (outcome.status === 'interrupted') return;
    log(`failed         ${describe(job)}: ${code} ${e.diagnostic.message}`);
  }
}
