import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { useProfile } from '../../profile/profile.js';

export default class ProfileUse extends BaseCommand {
  static override summary = 'Make a profile the current one.';
  static override examples = ['<%= config.bin %> profile use ana'];
  static override args = { name: Args.string({ description: 'profile name', required: true }) };

  async run(): Promise<unknown> {
    const { args } = await this.parse(ProfileUse);
    const config = await useProfile(args.name);
    this.log(`current profile: ${args.name}`);
    return { current: args.name, profile: config.profiles[args.name] };
  }
}
