import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { identitiesFromFlags, identityFlags } from '../../cli/identity-flag.js';
import { viewFlag } from '../../cli/leaderboard-flags.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { homeLayout } from '../../infra/gitperf-home.js';
import { boardsOf } from '../../leaderboard/build.js';
import { participantBoards, participantLogins } from '../../leaderboard/participants.js';
import { readRegistryInputs } from '../../leaderboard/registry-inputs.js';
import { writeParticipantPages, writeSite } from '../../leaderboard/site.js';
import { commitsFor } from '../../leaderboard/source.js';
import { registrySource, skippedWarning } from '../../submission/registry-state.js';

export default class LeaderboardBuild extends BaseCommand {
  static override summary = 'Build the leaderboard as a static site: an index and one page per benchmark.';
  static override description =
    `Each page shows what the benchmark's sharing policy allows and nothing more (in the HTML and in the JSON next to it): the ranking by the primary metric with 95% intervals, sites and cases, the forest plot, the matrix under full sharing, and provenance. --out is replaced as a whole. Parsed files are cached in $GITPERF_HOME/cache/parsed by git blob id.`;
  static override examples = [
    '<%= config.bin %> leaderboard build --out site',
    '<%= config.bin %> leaderboard build --out private-site --view participants --dir registry',
    '<%= config.bin %> leaderboard build --out site --participants-out participants',
  ];
  static override flags = {
    ...profileFlags,
    ...registryDirFlags,
    ...identityFlags,
    out: Flags.string({ description: 'folder to write the site to', helpValue: 'DIR', required: true }),
    view: viewFlag,
    'participants-out': Flags.string({
      description:
        "also write one page per participant (model and data owners of benchmarks that publish the participants' view) to this folder, apart from --out: not for publication",
      helpValue: 'DIR',
    }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(LeaderboardBuild);
    const view = flags.view;
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
    const commits = commitsFor({ git, dir: git ? undefined : where });
    const boards = boardsOf(benchmarks, { view, commits });
    const site = writeSite(flags.out, boards, view);
    this.log(`wrote ${site.files.length} files (${boards.length} benchmarks, ${view} view)`);
    let participants: string[] | undefined;
    if (flags['participants-out']) {
      const pages = new Map(
        participantLogins(benchmarks).map((login) => [
          login,
          participantBoards(benchmarks, login, { commits }),
        ]),
      );
      const written = writeParticipantPages(flags['participants-out'], flags.out, pages);
      participants = [...pages.keys()];
      this.log(`wrote ${written.files.length} participant pages to ${written.index} (not for publication)`);
    }
    this.log(site.index);
    return {
      index: site.index,
      files: site.files,
      benchmarks: boards.map((b) => b.benchmark),
      ...(participants ? { participants } : {}),
    };
  }
}
