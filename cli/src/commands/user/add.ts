import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags } from '../../cli/participant-flags.js';
import { addUsers, describeOutcome } from '../../participants/index.js';

export default class UserAdd extends BaseCommand {
  static override summary =
    'Register members of the registry (admins): one submission adding their User files.';
  static override description =
    'Opens a submission that adds registry/users/<login>.yaml for each LOGIN. Users are what every other role needs first: owners of cubes, datasets and runners, committee members. The policy names who must approve (another admin; the only admin may merge alone).';
  static override strict = false;
  static override examples = [
    '<%= config.bin %> user add ana raj lee --organization "Demo Consortium"',
    '<%= config.bin %> user add hospital-a --name "Hospital A" --email it@hospital-a.example',
    '<%= config.bin %> user add bob --admin',
  ];
  static override args = {
    login: Args.string({ required: true, description: 'GitHub login(s) to add, separated by spaces' }),
  };
  static override flags = {
    name: Flags.string({ description: "the person's or site's display name (one login only)" }),
    organization: Flags.string({ description: 'their institution' }),
    email: Flags.string({ description: 'a contact e-mail address (one login only)' }),
    admin: Flags.boolean({ description: 'give them the admin role' }),
    'ssh-key': Flags.string({
      description:
        'their SSH public key (one login only; repeatable): on the local forge it verifies their signed reviews and merges. Default: the key `gitperf profile create` made for them on this machine',
      helpValue: '"ssh-ed25519 AAAA..."',
      multiple: true,
    }),
    'age-recipient': Flags.string({
      description:
        'their age recipient (one login only; repeatable): results a benchmark keeps private are encrypted to it where they may read them. Default: the identity `gitperf user age-key` made for them on this machine',
      helpValue: 'age1...',
      multiple: true,
    }),
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { argv, flags } = await this.parse(UserAdd);
    const participant = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const outcome = await addUsers(participant, {
      logins: argv.map(String),
      displayName: flags.name,
      organization: flags.organization,
      email: flags.email,
      admin: flags.admin,
      sshKeys: flags['ssh-key'],
      ageRecipients: flags['age-recipient'],
    });
    this.log(describeOutcome(outcome));
    return outcome;
  }
}
