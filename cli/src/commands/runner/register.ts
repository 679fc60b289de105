import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags } from '../../cli/participant-flags.js';
import { describeOutcome, registerRunner } from '../../participants/index.js';

export default class RunnerRegister extends BaseCommand {
  static override summary = 'Declare a self-hosted runner and the datasets it serves (self-service).';
  static override examples = [
    '<%= config.bin %> runner register --name runner-a --dataset wdbc-a --labels self-hosted,gitperf,hospital-a',
  ];
  static override flags = {
    name: Flags.string({ required: true, description: 'runner name' }),
    dataset: Flags.string({
      required: true,
      multiple: true,
      description: 'dataset it serves (name or owner/name); repeatable',
    }),
    labels: Flags.string({
      description: 'runner labels, comma-separated (default: self-hosted,gitperf,<you>)',
    }),
    'public-key': Flags.string({
      description:
        'public key (ssh-ed25519 ...) that verifies results it signs; default: a key pair made in $GITPERF_HOME/keys/runners/<you>/<name> (private key mode 0600, never leaves this machine)',
    }),
    description: Flags.string({ description: 'a short description' }),
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(RunnerRegister);
    const p = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const out = await registerRunner(p, {
      name: flags.name,
      datasets: flags.dataset,
      labels: flags.labels
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      publicKey: flags['public-key'],
      description: flags.description,
    });
    this.log(describeOutcome(out));
    return out;
  }
}
