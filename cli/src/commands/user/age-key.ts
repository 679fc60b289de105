import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags } from '../../cli/participant-flags.js';
import { describeOutcome, publishAgeKey } from '../../participants/index.js';

export default class UserAgeKey extends BaseCommand {
  static override summary =
    'Make your age identity on this machine and publish its recipient in your User entity.';
  static override description =
    'Results of a benchmark whose sharing is stricter than full are stored encrypted (age) to those the policy lets read them: the committee, the data owner, and the model owner when the participants level is full. This makes your identity in $GITPERF_HOME/keys/age/<login> (mode 0600; reused when it exists; keep it, and a copy of it, safe) and opens a submission adding its recipient to spec.ageRecipients of your User entity (an admin approves). `gitperf result show` and `gitperf leaderboard build` decrypt with it.';
  static override examples = ['<%= config.bin %> user age-key', '<%= config.bin %> user age-key --json'];
  static override flags = { ...participantFlags };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(UserAgeKey);
    const participant = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const outcome = await publishAgeKey(participant);
    this.log(
      `${outcome.created ? 'made' : 'using'} the age identity ${outcome.identityFile}\n  recipient: ${outcome.recipient}`,
    );
    if (outcome.submission) this.log(describeOutcome(outcome.submission));
    else if (!outcome.registered)
      this.log(
        `you are not a registered user yet: the admin's \`gitperf user add ${outcome.login}\` publishes this recipient (by default when run with this $GITPERF_HOME, else with --age-recipient ${outcome.recipient})`,
      );
    else this.log('your User entity already lists it');
    return outcome;
  }
}
