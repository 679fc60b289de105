import { BaseCommand } from '../../cli/base-command.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { toJson } from '../../diagnostics/render.js';
import { benchmarkRows } from '../../submission/listings.js';
import { loadRegistryState, skippedWarning } from '../../submission/registry-state.js';

export default class BenchmarkList extends BaseCommand {
  static override summary = 'List the approved (merged) benchmarks.';
  static override flags = { ...profileFlags, ...registryDirFlags };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(BenchmarkList);
    const st = await loadRegistryState(flags);
    const rows = benchmarkRows(st.index);
    const skipped = skippedWarning(st);
    if (skipped) this.report(skipped);
    if (rows.length === 0) this.log(`no benchmarks in ${st.source}`);
    for (const row of rows)
      this.log(
        `${row.name.padEnd(20)} ${row.state.padEnd(12)} owner ${row.owner ?? '-'}  committee ${row.committee.join(',')}  ` +
          `${row.models} model(s), ${row.datasets} dataset(s), ${row.results} result(s)`,
      );
    return { source: st.source, benchmarks: rows, problems: st.problems.map(toJson) };
  }
}
