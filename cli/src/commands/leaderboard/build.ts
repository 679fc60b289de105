import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { viewFlag } from '../../cli/leaderboard-flags.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { homeLayout } from '../../infra/gitperf-home.js';
import { boardsOf } from '../../leaderboard/build.js';
import { readLeaderboardInputs } from '../../leaderboard/read.js';
import { writeSite } from '../../leaderboard/site.js';
import { commitsFor } from '../../leaderboard/source.js';
import { registrySource, skippedWarning } from '../../submission/registry-state.js';

export default class LeaderboardBuild extends BaseCommand {
  static override summary = 'Build the leaderboard as a static site: an index and one page per benchmark.';
  static override description =
    `Each page shows what the benchmark's sharing policy allows and nothing more (in the HTML and in the JSON next to it): the ranking by the primary metric with 95% intervals, sites and cases, the forest plot, the matrix under full sharing, and provenance. --out is replaced as a whole. Parsed files are cached in $GITPERF_HOME/cache/leaderboard by content hash.`;
  static override examples = [
    '<%= config.bin %> leaderboard build --out site',
    '<%= config.bin %> leaderboard build --out private-site --view participants --dir registry',
  ];
  static override flags = {
    ...profileFlags,
    ...registryDirFlags,
    out: Flags.string({ description: 'folder to write the site to', helpValue: 'DIR', required: true }),
    view: viewFlag,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(LeaderboardBuild);
    const view = flags.view;
    const { source, where, git } = await registrySource(flags);
    const read = await readLeaderboardInputs(source, { cacheDir: homeLayout().leaderboardCache });
    const skipped = skippedWarning({ problems: read.problems, source: where });
    if (skipped) this.report(skipped);
    const commits = commitsFor({ git, dir: git ? undefined : where });
    const boards = boardsOf(read.benchmarks, { view, commits });
    const site = writeSite(flags.out, boards, view);
    this.log(`wrote ${site.files.length} files (${boards.length} benchmarks, ${view} view)`);
    this.log(site.index);
    return { index: site.index, files: site.files, benchmarks: boards.map((b) => b.benchmark) };
  }
}
