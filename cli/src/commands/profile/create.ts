import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { gitperfHome } from '../../infra/gitperf-home.js';
import { configPath, createProfile, ensureMemberKey, type Profile } from '../../profile/profile.js';

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
      relationships: [
        {
          type: 'all',
          flags: [
            { name: 'registry', when: async (flags) => flags.forge === 'local' },
            { name: 'user', when: async (flags) => flags.forge === 'local' },
            { name: 'repo', when: async (flags) => flags.forge === 'github' },
          ],
        },
      ],
    }),
    registry: Flags.string({
      description: 'local: path of the registry repository',
      exclusive: ['repo', 'base-url'],
    }),
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
    // The relationships on --forge make oclif refuse a local profile without --registry and --user, and a
    // GitHub one without --repo, before run() starts.
    if (flags.forge === 'local') {
      profile = { forge: 'local', registry: flags.registry as string, user: flags.user as string };
    } else {
      profile = { forge: 'github', repo: flags.repo as string };
      if (flags['base-url']) profile.baseUrl = flags['base-url'];
      if (flags.user) profile.user = flags.user;
    }
    const config = await createProfile(args.name, profile, { use: flags.use, replace: flags.force });
    const current = config.current === args.name;
    this.log(`created profile ${args.name} in ${configPath(gitperfHome())}${current ? ' (current)' : ''}`);
    if (!current) this.log(`next: \`gitperf profile use ${args.name}\` or pass --profile ${args.name}`);
    if (profile.forge === 'local') {
      const key = await ensureMemberKey(profile.user);
      this.log(`your signing key: ${key.file} (its public key signs your reviews and merges):`);
      this.log(`  ${key.publicKeyLine}`);
      this.log(
        `  an admin registers it with \`gitperf user add ${profile.user} --ssh-key "${key.publicKeyLine}"\`; until then your reviews do not count`,
      );
      return { name: args.name, profile: config.profiles[args.name], current, publicKey: key.publicKeyLine };
    }
    return { name: args.name, profile: config.profiles[args.name], current };
  }
}
