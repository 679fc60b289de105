import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { commandExecution, executionFlags } from '../../cli/execution-flags.js';
import { fail } from '../../diagnostics/diagnostic.js';
import { toYaml } from '../../workflows/atomic.js';
import {
  type CompatibilityTestInput,
  runCompatibilityTest,
  type TestData,
} from '../../workflows/compatibility-test.js';
import { allTimeouts } from '../../workflows/execution-options.js';
import { loadBenchmark } from '../../workflows/registry-access.js';

export default class TestRun extends BaseCommand {
  static override summary =
    "Run a compatibility test: prepare, infer and evaluate on a benchmark's demo data or yours.";
  static override description =
    `The cubes come from --benchmark (NAME in the registry, or its folder) and may be replaced one by one (--preparator, --model, --metrics; owner/name or a cube folder). The data is the benchmark's demo tarball (default, or --demo-url with --demo-hash), raw --data and --labels, or a --dataset prepared earlier. Every resource is verified before anything runs. Prints the compatibility-test record the association entities carry, and keeps it in $GITPERF_HOME/tests/<key>/test_report.yaml (reused for identical inputs unless --no-cache).`;
  static override examples = [
    '<%= config.bin %> test run --benchmark bc-diagnosis --model lee/bc-centroid',
    '<%= config.bin %> test run --benchmark registry/benchmarks/bc-diagnosis --model ./my-cube --runner local --json',
    '<%= config.bin %> test run --benchmark bc-diagnosis --data site/data --labels site/labels',
  ];
  static override flags = {
    benchmark: Flags.string({ description: 'benchmark NAME (from --registry) or its folder' }),
    preparator: Flags.string({
      description: 'data preparator (owner/name or folder); default the benchmark’s',
    }),
    model: Flags.string({ description: 'model to test (owner/name or folder); default the reference model' }),
    metrics: Flags.string({ description: 'metrics cube (owner/name or folder); default the benchmark’s' }),
    // One data source: the demo (the benchmark's or --demo-url), raw --data with --labels, or a --dataset.
    demo: Flags.boolean({
      description: "use the benchmark's demo dataset (the default data source)",
      exclusive: ['data', 'labels', 'dataset'],
    }),
    'demo-url': Flags.string({
      description: 'a demo tarball instead of the benchmark’s (needs --demo-hash: a demo is always verified)',
      dependsOn: ['demo-hash'],
      exclusive: ['data', 'labels', 'dataset'],
    }),
    'demo-hash': Flags.string({ description: 'sha256:<hex> of --demo-url', dependsOn: ['demo-url'] }),
    data: Flags.string({
      description: 'raw data folder (with --labels)',
      dependsOn: ['labels'],
      exclusive: ['dataset'],
    }),
    labels: Flags.string({ description: 'raw labels folder (with --data)', dependsOn: ['data'] }),
    dataset: Flags.string({
      description: 'a dataset prepared with `gitperf dataset prepare` (by name)',
      exclusive: ['demo', 'demo-url', 'data', 'labels'],
    }),
    'no-cache': Flags.boolean({ description: 'run again even if a report for the same inputs exists' }),
    ...executionFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(TestRun);
    const bench = flags.benchmark ? await loadBenchmark(flags.benchmark, flags.registry) : undefined;
    const preparator = flags.preparator ?? bench?.preparator;
    const model = flags.model ?? bench?.referenceModel;
    const metrics = flags.metrics ?? bench?.metrics;
    if (!model || !metrics)
      fail(
        'test.flags',
        'name a --benchmark, or give --model and --metrics (and --preparator) explicitly',
        {},
        2,
      );

    let data: TestData;
    if (flags.dataset) data = { kind: 'prepared', dataset: flags.dataset };
    else if (flags.data && flags.labels) data = { kind: 'raw', data: flags.data, labels: flags.labels };
    else if (flags['demo-url']) {
      // A path on the command line is relative to the current folder (registry URLs are relative to the registry).
      const url = /^[a-z]+:\/\//i.test(flags['demo-url']) ? flags['demo-url'] : resolve(flags['demo-url']);
      data = { kind: 'demo', url, sha256: flags['demo-hash'] as string };
    } else if (bench) data = { kind: 'demo', ...bench.demoDataset };
    else
      return fail(
        'test.flags',
        'without --benchmark, give a data source: --demo-url, --data/--labels or --dataset',
        {},
        2,
      );

    const ctx = await commandExecution(
      { ...flags, registry: bench?.registry.dir ?? flags.registry },
      this.jsonEnabled(),
      (d) => this.report(d),
      bench?.registry,
    );
    const input: CompatibilityTestInput = {
      preparator,
      model,
      metrics,
      data,
      noCache: flags['no-cache'],
      timeouts: allTimeouts(flags.timeout),
    };
    const outcome = await runCompatibilityTest(input, ctx);
    for (const diagnostic of outcome.diagnostics) this.report(diagnostic);
    this.log(`compatibility test ${outcome.cached ? '(cached) ' : ''}passed; report: ${outcome.reportFile}`);
    this.log(toYaml({ compatibilityTest: outcome.record }).trimEnd());
    return {
      report: outcome.record,
      reportFile: outcome.reportFile,
      cached: outcome.cached,
      diagnostics: outcome.diagnostics,
    };
  }
}
