import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags, yesFlag } from '../../cli/participant-flags.js';
import { describeOutcome, submitResults } from '../../participants/index.js';

export default class ResultSubmit extends BaseCommand {
  static override summary =
    'Publish benchmark results of your dataset, after showing exactly the metrics and asking consent.';
  static override description =
    `After \`gitperf benchmark run\`: shows the metrics of each result that would be published and asks for consent (-y gives it in advance), then opens one submission adding registry/benchmarks/<b>/results/<you>/<dataset>/<model-owner>.<cube>.yaml per model. Results of models that are not associated with the benchmark are left out.`;
  static override examples = [
    '<%= config.bin %> result submit --benchmark bc-diagnosis --dataset wdbc-a',
    '<%= config.bin %> result submit --benchmark bc-diagnosis --dataset wdbc-a --model lee/bc-centroid -y --json',
  ];
  static override flags = {
    benchmark: Flags.string({ required: true, description: 'benchmark name' }),
    dataset: Flags.string({ required: true, description: 'your dataset (name or owner/name)' }),
    model: Flags.string({ description: 'only the result of this model (owner/name)' }),
    runner: Flags.string({
      description:
        'the runner (owner/name) that produced the results: sign each with its key in $GITPERF_HOME/keys/runners/ (namespace gitperf-result); without it results are unsigned',
      helpValue: 'OWNER/NAME',
    }),
    ...yesFlag,
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(ResultSubmit);
    const p = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const out = await submitResults(p, {
      benchmark: flags.benchmark,
      dataset: flags.dataset,
      model: flags.model,
      runner: flags.runner,
    });
    this.log(describeOutcome(out));
    return out;
  }
}
