/**
 * `gitperf benchmark submit`: hash the demo dataset, run the compatibility test of the three cubes on it
 * (they must already be registered), and open the submission of
 * `registry/benchmarks/<name>/benchmark.yaml` carrying the test record. A new benchmark needs an admin's
 * approval.
 */
import { type Diagnostic, fail } from '../diagnostics/diagnostic.js';
import { homeLayout } from '../infra/gitperf-home.js';
import { isName } from '../registry/kinds.js';
import { repoEntityPath } from '../registry/layout.js';
import type { Benchmark } from '../registry/types.generated.js';
import { runCompatibilityTest } from '../workflows/compatibility-test.js';
import { me, type Participant, prepare } from './context.js';
import { checkSchema } from './mlcube-submit.js';
import { resolveResource } from './resources.js';
import { entityFile, type SubmitOutcome, submit } from './submit.js';
import { failUnregistered } from './unmerged.js';

export type Sharing = 'aggregate' | 'per-model' | 'full';

export interface BenchmarkSubmitInput {
  name: string;
  preparator: string;
  referenceModel: string;
  metrics: string;
  /** The demo tarball: a path, file:// or https:// URL. */
  demoDataset: string;
  /** Committee logins; default: the submitter alone. */
  committee?: string[];
  /** Default: `auc` when the metrics cube reports it, else the first metric it reports. */
  primaryMetric?: string;
  higherIsBetter?: boolean;
  sharing?: Sharing;
  /** The rest of the result-sharing policy (participants' view, small-cell threshold, public selection). */
  release?: Pick<Benchmark['spec']['policy'], 'participants' | 'minCasesPerCell' | 'leaderboard'>;
  description?: string;
  docsUrl?: string;
  /** Re-run the compatibility test even if a report for the same inputs exists. */
  noCache?: boolean;
}

export interface BenchmarkSubmitOutcome extends SubmitOutcome {
  entity: Benchmark;
  path: string;
  diagnostics: Diagnostic[];
}

export async function submitBenchmark(
  participant: Participant,
  input: BenchmarkSubmitInput,
): Promise<BenchmarkSubmitOutcome> {
  if (!isName(input.name))
    fail(
      'benchmark.name-invalid',
      `"${input.name}" is not a valid benchmark name (lower-case letters, digits and -)`,
      {},
      2,
    );
  const owner = me(participant);
  const committee = [...new Set((input.committee ?? [owner]).map((c) => c.toLowerCase()))];
  // Checked before the compatibility test runs, so a typo costs nothing.
  for (const login of committee)
    if (!isName(login))
      fail('benchmark.committee-invalid', `--committee: "${login}" is not a valid login`, {}, 2);
  const ready = await prepare(participant);
  for (const login of committee)
    if (!ready.snapshot.registry.index.get('User', login))
      await failUnregistered(participant, {
        code: 'benchmark.committee-unregistered',
        what: `--committee: user ${login}`,
        path: repoEntityPath('User', login),
        howToAdd: 'committee members must be users (an admin adds them: `gitperf user add`)',
      });
  for (const ref of [input.preparator, input.referenceModel, input.metrics])
    if (!ready.snapshot.registry.index.get('MLCube', ref))
      await failUnregistered(participant, {
        code: 'benchmark.cube-unregistered',
        what: `MLCube ${ref}`,
        path: repoEntityPath('MLCube', ref),
        howToAdd: 'submit it first (`gitperf mlcube submit`) and have it merged',
      });
  const demo = await resolveResource(input.demoDataset, {
    repoRoot: ready.snapshot.root,
    cwd: participant.cwd,
    tmpDir: homeLayout(participant.home).staging,
    label: 'demo dataset',
  });
  const diagnostics: Diagnostic[] = [...demo.diagnostics];
  for (const diagnostic of demo.diagnostics) participant.onWarning?.(diagnostic);
  const test = await runCompatibilityTest(
    {
      preparator: input.preparator,
      model: input.referenceModel,
      metrics: input.metrics,
      data: { kind: 'demo', url: demo.resource.url, sha256: demo.resource.sha256 },
      noCache: input.noCache,
    },
    ready,
  );
  diagnostics.push(...test.diagnostics);
  const metricNames = Object.keys(test.record.metrics);
  const primaryMetric = input.primaryMetric ?? (metricNames.includes('auc') ? 'auc' : metricNames[0]);
  if (!primaryMetric)
    fail('benchmark.no-metrics', `the metrics cube ${input.metrics} reported no metrics on the demo data`);
  if (!metricNames.includes(primaryMetric))
    fail(
      'benchmark.primary-metric-unknown',
      `--primary-metric ${primaryMetric} is not reported by ${input.metrics} (it reports ${metricNames.join(', ')})`,
      {},
      2,
    );
  const entity: Benchmark = {
    apiVersion: 'gitperf/v1',
    kind: 'Benchmark',
    metadata: { name: input.name, owner, ...(input.description ? { description: input.description } : {}) },
    spec: {
      committee,
      ...(input.docsUrl ? { docsUrl: input.docsUrl } : {}),
      preparator: input.preparator,
      referenceModel: input.referenceModel,
      metrics: input.metrics,
      // The benchmark schema's demo dataset records no size (it is capped by the default download limit).
      demoDataset: {
        url: demo.resource.url,
        sha256: demo.resource.sha256,
        generatedUid: test.record.dataset.generatedUid,
      },
      compatibilityTest: test.record,
      policy: {
        modelAutoApproval: { mode: 'never' },
        datasetAutoApproval: { mode: 'never' },
        sharing: input.sharing ?? 'per-model',
        ...input.release,
        primaryMetric,
        higherIsBetter: input.higherIsBetter ?? true,
      },
      state: 'operation',
    },
  } as Benchmark;
  checkSchema('Benchmark', entity);
  const path = repoEntityPath('Benchmark', input.name);
  const out = await submit(participant, [entityFile(path, entity)], {
    note: testNote(
      `the reference model ${input.referenceModel} on the demo dataset`,
      test.record.metrics,
      primaryMetric,
    ),
  });
  return { ...out, entity, path, diagnostics };
}

/** The compatibility test's result in one sentence, for the pull request body. */
export function testNote(what: string, metrics: Record<string, number>, primary?: string): string {
  const shown = Object.entries(metrics)
    .map(([k, v]) => `${k === primary ? `**${k}**` : k} ${Number.isNaN(v) ? 'NaN' : v}`)
    .join(', ');
  return `Compatibility test passed: ${what}: ${shown}.`;
}
