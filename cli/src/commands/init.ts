import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { initRegistry } from '../init/scaffold.js';

export default class Init extends BaseCommand {
  static override summary =
    'Create a new registry repository: settings, first admin, schemas, workflow templates.';
  static override description =
    `Writes registry/registry.yaml, registry/users/<admin>.yaml, schemas/ and .github/workflows/ (the registry's workflows: pull-request check, review trigger, policy status, merge bot, execution on hospital runners, and the leaderboard on GitHub Pages) into DIR and commits them on main. With --local it also creates the bare repository the local forge serves (DIR.git by default) with a pre-receive hook that refuses any push to main other than the forge's signed merge of a submission whose policy passes, a signing key for the admin (registered in their User file), and a profile acting as the admin.`;
  static override examples = [
    '<%= config.bin %> init consortium --admin ada --local',
    '<%= config.bin %> init my-registry --admin ada --name my-consortium --bot my-bot',
  ];
  static override args = { dir: Args.string({ description: 'folder to create', required: true }) };
  static override flags = {
    admin: Flags.string({ description: 'login of the first admin', required: true }),
    name: Flags.string({ description: 'registry name (default: the folder name)' }),
    bot: Flags.string({ description: 'bot login allowed to open result PRs (repeatable)', multiple: true }),
    local: Flags.boolean({
      description: 'also create the bare repository the local forge serves, and a profile',
    }),
    'with-examples': Flags.boolean({
      description: 'host the example cubes and demo data under examples/ (for the walkthrough and trials)',
    }),
    bare: Flags.string({ description: 'with --local: path of the bare repository (default DIR.git)' }),
    'profile-name': Flags.string({
      description: 'with --local: name of the profile to create (default: the registry name)',
    }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(Init);
    const initialised = await initRegistry({
      dir: args.dir,
      admin: flags.admin,
      name: flags.name,
      bots: flags.bot,
      local: flags.local ? { bare: flags.bare, profile: flags['profile-name'] } : undefined,
      withExamples: flags['with-examples'],
    });
    this.log(
      `created registry ${initialised.name} in ${initialised.dir} (${initialised.files.length} files, commit ${initialised.commit.slice(0, 12)})`,
    );
    if (initialised.bare) {
      this.log(
        `local forge repository: ${initialised.bare}; profile ${initialised.profile} acts as ${initialised.admin} (now current)`,
      );
      const profileFlag = initialised.profile === undefined ? '' : ` --profile ${initialised.profile}`;
      this.log(
        `next: register the members: \`gitperf user add LOGIN...${profileFlag}\`, then \`gitperf merge N${profileFlag}\``,
      );
      this.log(
        `  and give each a profile: \`gitperf profile create LOGIN --forge local --registry ${initialised.bare} --user LOGIN\``,
      );
    } else {
      this.log('next: push it to GitHub and `gitperf profile create NAME --forge github --repo OWNER/NAME`');
    }
    return initialised;
  }
}
