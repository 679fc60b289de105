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
    const detail = benchmarkDetail(st.index, args.name, st.problems);
    const spec = detail.spec;
    this.log(
      `${detail.name} (${spec.state}), owner ${detail.metadata.owner ?? '-'}, committee ${spec.committee.join(', ')}`,
    );
    if (detail.metadata.description) this.log(`  ${detail.metadata.description}`);
    this.log(
      `  preparator ${spec.preparator}, reference model ${spec.referenceModel}, metrics ${spec.metrics}`,
    );
    this.log(
      `  primary metric ${spec.policy.primaryMetric} (${spec.policy.higherIsBetter ? 'higher' : 'lower'} is better), sharing ${spec.policy.sharing}`,
    );
    this.log(
      `  models: ${detail.models.map((m) => `${m.model}${m.priority ? ` (priority ${m.priority})` : ''}`).join(', ') || 'none'}`,
    );
    this.log(`  datasets: ${detail.datasets.join(', ') || 'none'}`);
    this.log(`  results: ${detail.results}`);
    return detail;
  }
}
