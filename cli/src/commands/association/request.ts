import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags, runnerFlag, yesFlag } from '../../cli/participant-flags.js';
import { describeCompatibilityTest, describeOutcome, requestAssociation } from '../../participants/index.js';

export default class AssociationRequest extends BaseCommand {
  static override summary = 'Ask for a model or a dataset to join a benchmark, with a compatibility test.';
  static override description =
    `--model: runs the benchmark's preparator, the model and the metrics on the demo dataset. --dataset: runs the benchmark's reference model on your prepared data, here (the data does not leave), shows the metrics that will be published and asks for your consent (-y gives it in advance). The test record goes into the association file; the other side approves (a committee member when you own the model or dataset, the owner when a committee member asks).`;
  static override examples = [
    '<%= config.bin %> association request --benchmark bc-diagnosis --model lee/bc-centroid',
    '<%= config.bin %> association request --benchmark bc-diagnosis --dataset hospital-a/wdbc-a --json',
  ];
  static override flags = {
    benchmark: Flags.string({ required: true, description: 'benchmark name' }),
    model: Flags.string({ description: 'model MLCube owner/name', exactlyOne: ['model', 'dataset'] }),
    dataset: Flags.string({
      description: 'dataset owner/name (prepared on this machine)',
      exactlyOne: ['model', 'dataset'],
    }),
    'no-cache': Flags.boolean({ description: 'run the compatibility test again even if cached' }),
    ...runnerFlag,
    ...yesFlag,
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(AssociationRequest);
    const participant = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const out = await requestAssociation(participant, {
      benchmark: flags.benchmark,
      model: flags.model,
      dataset: flags.dataset,
      noCache: flags['no-cache'],
    });
    for (const diagnostic of out.diagnostics) this.report(diagnostic);
    this.log(describeCompatibilityTest(out.compatibilityTest.metrics as Record<string, number>));
    this.log(describeOutcome(out));
    return out;
  }
}
