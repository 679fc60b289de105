import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { identitiesFromFlags, identityFlags } from '../../cli/identity-flag.js';
import { viewFlag } from '../../cli/leaderboard-flags.js';
import { activeProfile, profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { fail } from '../../diagnostics/diagnostic.js';
import { homeLayout } from '../../infra/gitperf-home.js';
import { boardsOf } from '../../leaderboard/build.js';
import { participantBoards } from '../../leaderboard/participants.js';
import { readRegistryInputs } from '../../leaderboard/registry-inputs.js';
import { commitsFor } from '../../leaderboard/source.js';
import { leaderboardDocument, renderBoards, type ShowFormat } from '../../leaderboard/text.js';
import { registrySource, skippedWarning } from '../../submission/registry-state.js';

export default class LeaderboardShow extends BaseCommand {
  static override summary = 'Print the leaderboard ranking: text, Markdown (pull-request comments) or JSON.';
  static override description =
    "The same ranking as the site, under the same sharing policy. The JSON shape is documented in the README. --as LOGIN (or --mine) prints what that participant sees: the public boards, and where the committee publishes the participants' view, their own models' and datasets' rows at that level.";
  static override examples = [
    '<%= config.bin %> leaderboard show',
    '<%= config.bin %> leaderboard show --benchmark bc-diagnosis --format md',
    '<%= config.bin %> leaderboard show --as lee',
    '<%= config.bin %> leaderboard show --mine --profile hospital-a',
  ];
  static override flags = {
    ...profileFlags,
    ...registryDirFlags,
    ...identityFlags,
    benchmark: Flags.string({ char: 'b', description: 'only this benchmark' }),
    format: Flags.custom<ShowFormat>({
      description: 'output format',
      options: ['text', 'md', 'json'],
      default: 'text',
    })(),
    view: viewFlag,
    as: Flags.string({
      description:
        "what this participant (a login) sees: public boards plus their own rows at the participants' level",
      helpValue: 'LOGIN',
      exclusive: ['mine'],
    }),
    mine: Flags.boolean({
      description: "--as the active profile's user",
      exclusive: ['as'],
    }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(LeaderboardShow);
    const view = flags.view;
    const format = flags.format;
    let login = flags.as;
    if (flags.mine) {
      const active = await activeProfile(flags);
      login = active.profile.user;
      if (!login)
        fail(
          'leaderboard.no-user',
          `--mine needs a profile with a user; profile ${active.name} has none`,
          {},
          2,
        );
    }
    const { source, where, git } = await registrySource(flags);
    const read = await readRegistryInputs({
      source,
      ...(git ? {} : { folder: where }),
      cacheDir: homeLayout().parseCache,
      identities: (await identitiesFromFlags(flags)).identities,
    });
    const benchmarks = read.benchmarks;
    const skipped = skippedWarning({ problems: read.problems, source: where });
    if (skipped) this.report(skipped);
    if (flags.benchmark && !benchmarks.some((b) => b.name === flags.benchmark))
      fail('leaderboard.no-benchmark', `no benchmark ${flags.benchmark} in ${where}`, {}, 1);
    const commits = await commitsFor({ git, dir: git ? undefined : where });
    const only = flags.benchmark ? { benchmark: flags.benchmark } : {};
    const boards = login
      ? participantBoards(benchmarks, login, { commits, ...only })
      : boardsOf(benchmarks, { view, commits, ...only });
    const shownView = login ? 'participants' : view;
    if (!this.jsonEnabled()) process.stdout.write(renderBoards(boards, shownView, format));
    return leaderboardDocument(boards, shownView);
  }
}
