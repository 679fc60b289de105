import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { identitiesFromFlags, identityFlags } from '../../cli/identity-flag.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { decryptResultTable, renderResultTable, resultTable } from '../../submission/listings.js';
import { loadRegistryState, skippedWarning } from '../../submission/registry-state.js';

export default class ResultList extends BaseCommand {
  static override summary = "A benchmark's merged results: one row per model, one column per dataset.";
  static override description =
    'Cells hold the primary metric; partial results are marked. Sharing policies apply to the leaderboard. Encrypted results are decrypted where your age identity is one of their recipients, else shown as "encrypted".';
  static override examples = ['<%= config.bin %> result list --benchmark bc-diagnosis'];
  static override flags = {
    ...profileFlags,
    ...registryDirFlags,
    ...identityFlags,
    benchmark: Flags.string({ char: 'b', description: 'benchmark name', required: true }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(ResultList);
    const st = await loadRegistryState(flags);
    const { identities } = await identitiesFromFlags(flags);
    const table = await decryptResultTable(
      st.index,
      resultTable(st.index, flags.benchmark, st.problems),
      identities,
    );
    const skipped = skippedWarning(st);
    if (skipped) this.report(skipped);
    this.log(renderResultTable(table));
    return table;
  }
}
