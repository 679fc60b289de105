import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags } from '../../cli/participant-flags.js';
import { describeOutcome, setAssociationPriority } from '../../participants/index.js';

export default class AssociationPriority extends BaseCommand {
  static override summary = "Set a model's priority in a benchmark (committee only; higher runs first).";
  static override examples = [
    '<%= config.bin %> association priority --benchmark bc-diagnosis --model lee/bc-centroid --priority 10',
  ];
  static override flags = {
    benchmark: Flags.string({ required: true, description: 'benchmark name' }),
    model: Flags.string({ required: true, description: 'associated model owner/name' }),
    priority: Flags.integer({ required: true, description: 'priority (integer; higher runs first)' }),
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(AssociationPriority);
    const participant = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const out = await setAssociationPriority(participant, {
      benchmark: flags.benchmark,
      model: flags.model,
      priority: flags.priority,
    });
    this.log(`priority of ${flags.model} in ${flags.benchmark}: ${out.previous} -> ${flags.priority}`);
    this.log(describeOutcome(out));
    return out;
  }
}
