import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags, runnerFlag } from '../../cli/participant-flags.js';
import {
  describeCompatibilityTest,
  describeOutcome,
  type Sharing,
  submitBenchmark,
} from '../../participants/index.js';

export default class BenchmarkSubmit extends BaseCommand {
  static override summary =
    'Submit a benchmark: run its compatibility test, then open a submission (admin approves).';
  static override description =
    `The three cubes must be registered MLCubes. Hashes the demo dataset, runs the compatibility test (preparator, reference model and metrics on the demo data) and records it, with the demo data's generatedUid, in registry/benchmarks/<name>/benchmark.yaml. A new benchmark needs an admin's approval.`;
  static override examples = [
    '<%= config.bin %> benchmark submit --name bc-diagnosis --preparator ana/bc-prep --reference-model ana/bc-logreg --metrics ana/bc-metrics --demo-dataset examples/data/demo/demo.tar.gz --committee ana,raj',
  ];
  static override flags = {
    name: Flags.string({ required: true, description: 'benchmark name' }),
    preparator: Flags.string({ required: true, description: 'data preparator MLCube owner/name' }),
    'reference-model': Flags.string({ required: true, description: 'reference model MLCube owner/name' }),
    metrics: Flags.string({ required: true, description: 'metrics MLCube owner/name' }),
    'demo-dataset': Flags.string({
      required: true,
      description: 'demo tarball (MedPerf layout with paths.yaml): path or URL',
    }),
    committee: Flags.string({ description: 'committee logins, comma-separated (default: you)' }),
    'primary-metric': Flags.string({
      description: 'metric that ranks models (default auc, else the first reported)',
    }),
    'lower-is-better': Flags.boolean({ description: 'a lower primary metric is better' }),
    sharing: Flags.string({
      options: ['aggregate', 'per-model', 'full'],
      description: 'how results are shared (default per-model)',
    }),
    description: Flags.string({ description: 'a short description' }),
    'docs-url': Flags.string({ description: 'documentation URL' }),
    'no-cache': Flags.boolean({ description: 'run the compatibility test again even if cached' }),
    ...runnerFlag,
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(BenchmarkSubmit);
    const participant = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const out = await submitBenchmark(participant, {
      name: flags.name,
      preparator: flags.preparator,
      referenceModel: flags['reference-model'],
      metrics: flags.metrics,
      demoDataset: flags['demo-dataset'],
      committee: flags.committee
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      primaryMetric: flags['primary-metric'],
      higherIsBetter: !flags['lower-is-better'],
      sharing: flags.sharing as Sharing | undefined,
      description: flags.description,
      docsUrl: flags['docs-url'],
      noCache: flags['no-cache'],
    });
    for (const diagnostic of out.diagnostics) this.report(diagnostic);
    this.log(describeCompatibilityTest(out.entity.spec.compatibilityTest.metrics as Record<string, number>));
    this.log(describeOutcome(out));
    return out;
  }
}
