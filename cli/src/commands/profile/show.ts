import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { describeProfile, githubToken, resolveProfile } from '../../profile/profile.js';

export default class ProfileShow extends BaseCommand {
  static override summary = 'Show a profile (default: the active one). Never prints the token.';
  static override args = { name: Args.string({ description: 'profile name (default: the active profile)' }) };

  async run(): Promise<unknown> {
    const { args } = await this.parse(ProfileShow);
    const { name, profile } = await resolveProfile(args.name);
    this.log(`${name}: ${describeProfile(profile)}`);
    const out: Record<string, unknown> = { name, ...profile };
    if (profile.forge === 'github') {
      const has = githubToken() !== undefined;
      this.log(has ? 'token: from GITHUB_TOKEN/GH_TOKEN' : 'token: missing; set GITHUB_TOKEN or GH_TOKEN');
      out.tokenPresent = has;
    }
    return out;
  }
}
