import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { viewFlag } from '../../cli/leaderboard-flags.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { fail } from '../../diagnostics/diagnostic.js';
import { buildBoards } from '../../leaderboard/build.js';
import { commitsFor } from '../../leaderboard/source.js';
import { leaderboardDocument, renderBoards, type ShowFormat } from '../../leaderboard/text.js';
import { loadRegistryState, skippedWarning } from '../../submission/registry-state.js';

export default class LeaderboardShow extends BaseCommand {
  static override summary = 'Print the leaderboard ranking: text, Markdown (pull-request comments) or JSON.';
  static override description =
    'The same ranking as the site, under the same sharing policy. The JSON shape is documented in the README.';
  static override examples = [
    '<%= config.bin %> leaderboard show',
    '<%= config.bin %> leaderboard show --benchmark bc-diagnosis --format md',
  ];
  static override flags = {
    ...profileFlags,
    ...registryDirFlags,
    benchmark: Flags.string({ char: 'b', description: 'only this benchmark' }),
    format: Flags.custom<ShowFormat>({
      description: 'output format',
      options: ['text', 'md', 'json'],
      default: 'text',
    })(),
    view: viewFlag,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(LeaderboardShow);
    const view = flags.view;
    const format = flags.format;
    const registry = await loadRegistryState(flags);
    const skipped = skippedWarning(registry);
    if (skipped) this.report(skipped);
    const index = registry.index;
    if (flags.benchmark && !index.get('Benchmark', flags.benchmark))
      fail('leaderboard.no-benchmark', `no benchmark ${flags.benchmark} in ${registry.source}`, {}, 1);
    const commits = commitsFor({ git: registry.git, dir: registry.git ? undefined : registry.source });
    const boards = buildBoards(index, {
      view,
      commits,
      ...(flags.benchmark ? { benchmark: flags.benchmark } : {}),
    });
    if (!this.jsonEnabled()) process.stdout.write(renderBoards(boards, view, format));
    return leaderboardDocument(boards, view);
  }
}
