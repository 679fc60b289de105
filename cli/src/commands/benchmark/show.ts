import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { benchmarkDetail } from '../../submission/listings.js';
import { loadRegistryState } from '../../submission/registry-state.js';

export default class BenchmarkShow extends BaseCommand {
  static override summary = 'Show a benchmark: cubes, policy, associated models and datasets.';
  static override args = { name: Args.string({ description: 'benchmark name', required: true }) };
  static override flags = { ...profileFlags, ...registryDirFlags };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(BenchmarkShow);
    const st = await loadRegistryState(flags);
    const d = benchmarkDetail(st.index, args.name, st.problems);
    const s = d.spec;
    this.log(`${d.name} (${s.state}), owner ${d.metadata.owner ?? '-'}, committee ${s.committee.join(', ')}`);
    if (d.metadata.description) this.log(`  ${d.metadata.description}`);
    this.log(`  preparator ${s.preparator}, reference model ${s.referenceModel}, metrics ${s.metrics}`);
    this.log(
      `  primary metric ${s.policy.primaryMetric} (${s.policy.higherIsBetter ? 'higher' : 'lower'} is better), sharing ${s.policy.sharing}`,
    );
    this.log(
      `  models: ${d.models.map((m) => `${m.model}${m.priority ? ` (priority ${m.priority})` : ''}`).join(', ') || 'none'}`,
    );
    this.log(`  datasets: ${d.datasets.join(', ') || 'none'}`);
    this.log(`  results: ${d.results}`);
    return d;
  }
}
