import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags, yesFlag } from '../../cli/participant-flags.js';
import { describeOutcome, registerDataset } from '../../participants/index.js';

export default class DatasetRegister extends BaseCommand {
  static override summary =
    'Register a prepared dataset: publish its metadata (never the data), with your consent.';
  static override description =
    `After \`gitperf dataset prepare --name NAME\`: shows the exact Dataset file that would be published (hashes and statistics only) and asks for consent (-y gives it in advance), then opens a submission adding registry/datasets/<you>/NAME.yaml (self-service). Registered in operation state unless --development.`;
  static override examples = [
    '<%= config.bin %> dataset register wdbc-a',
    '<%= config.bin %> dataset register wdbc-a -y --json',
  ];
  static override args = {
    name: Args.string({ required: true, description: 'name of the prepared dataset' }),
  };
  static override flags = {
    development: Flags.boolean({ description: 'keep it in development state (benchmarks need operation)' }),
    ...yesFlag,
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(DatasetRegister);
    const participant = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const out = await registerDataset(participant, { name: args.name, development: flags.development });
    this.log(describeOutcome(out));
    return out;
  }
}
