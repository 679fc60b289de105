import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { fail } from '../../diagnostics/diagnostic.js';
import { configPath, createProfile, gitperfHome, type Profile } from '../../profile/profile.js';

export default class ProfileCreate extends BaseCommand {
  static override summary = 'Create a named profile: which registry to use and who you are there.';
  static override description =
    `A local profile serves submissions from a registry repository on disk (see \`gitperf init --local\`) and acts as --user. A GitHub profile names the registry repository; the token comes from GITHUB_TOKEN or GH_TOKEN. Profiles live in $GITPERF_HOME/config.yaml (default ~/.gitperf). The first profile becomes the current one.`;
  static override examples = [
    '<%= config.bin %> profile create ana --forge local --registry ~/consortium/registry.git --user ana',
    '<%= config.bin %> profile create gh --forge github --repo medperf/registry --use',
  ];
  static override args = { name: Args.string({ description: 'profile name', required: true }) };
  static override flags = {
    forge: Flags.string({
      options: ['local', 'github'],
      required: true,
      description: 'where submissions go',
    }),
    registry: Flags.string({ description: 'local: path of the registry repository' }),
    user: Flags.string({ description: 'local: your login (github: optional, defaults to the token owner)' }),
    repo: Flags.string({ description: 'github: OWNER/NAME of the registry repository' }),
    'base-url': Flags.string({
      description: 'github: API URL of a GitHub Enterprise Server, https://HOST/api/v3',
    }),
    use: Flags.boolean({ description: 'make it the current profile' }),
    force: Flags.boolean({ description: 'replace a profile of the same name' }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(ProfileCreate);
    let profile: Profile;
    if (flags.forge === 'local') {
      if (!flags.registry || !flags.user)
        fail('profile.flags', 'a local profile needs --registry PATH and --user LOGIN', {}, 2);
      profile = { forge: 'local', registry: flags.registry, user: flags.user };
    } else {
      if (!flags.repo) fail('profile.flags', 'a github profile needs --repo OWNER/NAME', {}, 2);
      profile = { forge: 'github', repo: flags.repo };
      if (flags['base-url']) profile.baseUrl = flags['base-url'];
      if (flags.user) profile.user = flags.user;
    }
    const config = await createProfile(args.name, profile, { use: flags.use, replace: flags.force });
    const current = config.current === args.name;
    this.log(`created profile ${args.name} in ${configPath(gitperfHome())}${current ? ' (current)' : ''}`);
    if (!current) this.log(`next: \`gitperf profile use ${args.name}\` or pass --profile ${args.name}`);
    return { name: args.name, profile: config.profiles[args.name], current };
  }
}
