import { BaseCommand } from '../../cli/base-command.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { toJson } from '../../diagnostics/render.js';
import { mlcubeRows } from '../../submission/listings.js';
import { loadRegistryState, skippedWarning } from '../../submission/registry-state.js';

export default class MlcubeList extends BaseCommand {
  static override summary = 'List the registered (merged) mlcubes.';
  static override flags = { ...profileFlags, ...registryDirFlags };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(MlcubeList);
    const st = await loadRegistryState(flags);
    const rows = mlcubeRows(st.index);
    const skipped = skippedWarning(st);
    if (skipped) this.report(skipped);
    if (rows.length === 0) this.log(`no mlcubes in ${st.source}`);
    for (const row of rows) {
      const extra = row.image ?? '';
      this.log(`${row.ref.padEnd(28)} ${row.state.padEnd(12)} ${row.valid ? 'valid' : 'INVALID'}  ${extra}`);
    }
    return { source: st.source, mlcubes: rows, problems: st.problems.map(toJson) };
  }
}
