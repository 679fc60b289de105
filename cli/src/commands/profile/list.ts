import { BaseCommand } from '../../cli/base-command.js';
import { describeProfile, loadConfig } from '../../profile/profile.js';

export default class ProfileList extends BaseCommand {
  static override summary = 'List profiles; the current one is marked with *.';

  async run(): Promise<unknown> {
    await this.parse(ProfileList);
    const config = await loadConfig();
    const names = Object.keys(config.profiles).sort();
    if (names.length === 0)
      this.log('no profiles yet: `gitperf profile create` or `gitperf init DIR --local`');
    for (const name of names)
      this.log(
        `${name === config.current ? '*' : ' '} ${name.padEnd(16)} ${describeProfile(config.profiles[name])}`,
      );
    return {
      current: config.current ?? null,
      profiles: names.map((name) => ({ name, current: name === config.current, ...config.profiles[name] })),
    };
  }
}
