import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { identityFlags } from '../../cli/identity-flag.js';
import { participantFlags, participantFromFlags } from '../../cli/participant-flags.js';
import { describeOutcome, reencryptResults } from '../../participants/index.js';

export default class ResultReencrypt extends BaseCommand {
  static override summary =
    "Re-encrypt a benchmark's encrypted results to the readers its policy allows now (committee members).";
  static override description =
    'When a member joins or leaves the committee, or a reader publishes an age recipient, a committee member who can decrypt the results runs this: each encrypted result whose recipients differ from the current readers is decrypted with your identity and encrypted again (same measurements, same nonce: the digest the runner signed and its signature stay valid), in one submission. The policy lets a committee member make this change without the data owners; another committee member approves. A removed reader keeps what they already read: re-encryption protects only what is read from now on.';
  static override examples = [
    '<%= config.bin %> result reencrypt --benchmark bc-diagnosis',
    '<%= config.bin %> result reencrypt --benchmark bc-diagnosis --identity ~/.age/committee.txt --all',
  ];
  static override flags = {
    benchmark: Flags.string({ char: 'b', description: 'benchmark name', required: true }),
    all: Flags.boolean({
      description:
        'also re-encrypt results already encrypted to the current readers (a reader replaced their age key)',
    }),
    ...identityFlags,
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(ResultReencrypt);
    const participant = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const outcome = await reencryptResults(participant, {
      benchmark: flags.benchmark,
      identityFile: flags.identity,
      all: flags.all,
    });
    for (const change of outcome.changed)
      this.log(`${change.path}: ${change.before.join(', ')} -> ${change.after.join(', ')}`);
    this.log(
      outcome.submission
        ? describeOutcome(outcome.submission)
        : `every encrypted result of ${flags.benchmark} is encrypted to its current readers`,
    );
    return outcome;
  }
}
