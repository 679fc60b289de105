import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { renderResultTable, resultTable } from '../../submission/listings.js';
import { loadRegistryState, skippedWarning } from '../../submission/registry-state.js';

export default class ResultList extends BaseCommand {
  static override summary = "A benchmark's merged results: one row per model, one column per dataset.";
  static override description =
    'Cells hold the primary metric; partial results are marked. Sharing policies apply to the leaderboard.';
  static override examples = ['<%= config.bin %> result list --benchmark bc-diagnosis'];
  static override flags = {
    ...profileFlags,
    ...registryDirFlags,
    benchmark: Flags.string({ char: 'b', description: 'benchmark name', required: true }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(ResultList);
    const st = await loadRegistryState(flags);
    const t = resultTable(st.index, flags.benchmark, st.problems);
    const skipped = skippedWarning(st);
    if (skipped) this.report(skipped);
    this.log(renderResultTable(t));
    return t;
  }
}
