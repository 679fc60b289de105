import { BaseCommand } from '../../cli/base-command.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { toJson } from '../../diagnostics/render.js';
import { datasetRows } from '../../submission/listings.js';
import { loadRegistryState, skippedWarning } from '../../submission/registry-state.js';

export default class DatasetList extends BaseCommand {
  static override summary = 'List the registered (merged) datasets.';
  static override flags = { ...profileFlags, ...registryDirFlags };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(DatasetList);
    const st = await loadRegistryState(flags);
    const rows = datasetRows(st.index);
    const skipped = skippedWarning(st);
    if (skipped) this.report(skipped);
    if (rows.length === 0) this.log(`no datasets in ${st.source}`);
    for (const row of rows) {
      const extra = `preparator ${row.preparator}`;
      this.log(`${row.ref.padEnd(28)} ${row.state.padEnd(12)} ${row.valid ? 'valid' : 'INVALID'}  ${extra}`);
    }
    return { source: st.source, datasets: rows, problems: st.problems.map(toJson) };
  }
}
