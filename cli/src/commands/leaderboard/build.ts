import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { identitiesFromFlags, identityFlags } from '../../cli/identity-flag.js';
import { viewFlag } from '../../cli/leaderboard-flags.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { homeLayout } from '../../infra/gitperf-home.js';
import { buildSite } from '../../leaderboard/build-site.js';
import { participantBoards, participantLogins } from '../../leaderboard/participants.js';
import { writeParticipantPages } from '../../leaderboard/site.js';
import { commitsFor } from '../../leaderboard/source.js';
import { registrySource, skippedWarning } from '../../submission/registry-state.js';

export default class LeaderboardBuild extends BaseCommand {
  static override summary = 'Build the leaderboard as a static site: an index and one page per benchmark.';
  static override description =
    `Each page shows what the benchmark's sharing policy allows and nothing more (in the HTML and in the JSON next to it): the ranking by the primary metric with 95% intervals, sites and cases, the forest plot, the matrix under full sharing, and provenance. --out is replaced as a whole. Parsed files are cached in $GITPERF_HOME/cache/parsed by git blob id, and each benchmark's pages in $GITPERF_HOME/cache/pages by everything they depend on (a benchmark no file of which changed is not read again).`;
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
    // Not awaited here: git reads the history while the registry folder is listed.
    const commits = commitsFor({ git, dir: git ? undefined : where });
    const layout = homeLayout();
    const built = await buildSite({
      source,
      ...(git ? {} : { folder: where }),
      parseCacheDir: layout.parseCache,
      pageCacheDir: join(layout.pageCache, 'leaderboard'),
      identities: (await identitiesFromFlags(flags)).identities,
      view,
      commits,
      out: flags.out,
      keepInputs: flags['participants-out'] !== undefined,
    });
    const skipped = skippedWarning({ problems: built.problems, source: where });
    if (skipped) this.report(skipped);
    const site = built.site;
    this.log(`wrote ${site.files.length} files (${built.benchmarks.length} benchmarks, ${view} view)`);
    let participants: string[] | undefined;
    const benchmarks = built.inputs;
    if (flags['participants-out'] && benchmarks) {
      const mergedBy = await commits;
      const pages = new Map(
        participantLogins(benchmarks).map((login) => [
          login,
          participantBoards(benchmarks, login, { commits: mergedBy }),
        ]),
      );
      const written = await writeParticipantPages(flags['participants-out'], flags.out, pages);
      participants = [...pages.keys()];
      this.log(`wrote ${written.files.length} participant pages to ${written.index} (not for publication)`);
    }
    this.log(site.index);
    return {
      index: site.index,
      files: site.files,
      benchmarks: built.benchmarks,
      ...(participants ? { participants } : {}),
    };
  }
}
