import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { fail } from '../../diagnostics/diagnostic.js';
import { resolveProfile } from '../../profile/profile.js';
import { allTimeouts, commandExecution, executionFlags } from '../../workflows/flags.js';
import { prepareDataset } from '../../workflows/prepare-dataset.js';

export default class DatasetPrepare extends BaseCommand {
  static override summary =
    "Prepare raw data with a benchmark's data preparator and record the Dataset entity.";
  static override description =
    `Runs the preparator's prepare, sanity_check and statistics tasks (MedPerf's order), computes inputDataHash (raw data + labels) and generatedUid (prepared data + labels) with MedPerf's folder hash, and writes the prepared data, statistics.yaml and the Dataset entity (dataset.yaml, metadata only) to $GITPERF_HOME/datasets/NAME/. The dataset is marked ready only when everything succeeded; an interrupted preparation is started over cleanly. The data never leaves this machine; dataset.yaml is what you register.`;
  static override examples = [
    '<%= config.bin %> dataset prepare --preparator ana/bc-prep --data site/data --labels site/labels --name wdbc-a --owner hospital-a',
    '<%= config.bin %> dataset prepare --preparator examples/cubes/prep --data d --labels l --name test --runner local --json',
  ];
  static override flags = {
    preparator: Flags.string({
      required: true,
      description: 'data preparator: owner/name from the registry, or a cube folder',
    }),
    data: Flags.string({ required: true, description: 'folder of raw data' }),
    labels: Flags.string({ required: true, description: 'folder of raw labels' }),
    name: Flags.string({ required: true, description: 'dataset name (lower-case letters, digits, -)' }),
    owner: Flags.string({ description: "data owner's login; default: the current profile's user" }),
    location: Flags.string({ description: 'institution holding the data (default: the owner)' }),
    description: Flags.string({ description: 'a short description for the Dataset entity' }),
    force: Flags.boolean({ description: 'prepare again even if a ready dataset of this name exists' }),
    ...executionFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(DatasetPrepare);
    const owner = flags.owner ?? (await resolveProfile().catch(() => undefined))?.profile.user;
    if (!owner)
      fail('dataset.owner-missing', 'name the data owner with --owner LOGIN (or set up a profile)', {}, 2);
    const ctx = await commandExecution(flags, this.jsonEnabled(), (d) => this.report(d));
    const ds = await prepareDataset(
      {
        preparator: flags.preparator,
        data: flags.data,
        labels: flags.labels,
        name: flags.name,
        owner,
        location: flags.location,
        description: flags.description,
        force: flags.force,
        timeouts: allTimeouts(flags.timeout),
      },
      ctx,
    );
    this.log(`${ds.reused ? 'already prepared' : 'prepared'} ${owner}/${ds.name} in ${ds.dir}`);
    this.log(`  inputDataHash ${ds.entity.spec.inputDataHash}`);
    this.log(`  generatedUid  ${ds.entity.spec.generatedUid}`);
    this.log(`  Dataset entity: ${ds.dir}/dataset.yaml`);
    const preparator = ds.entity.spec.preparator;
    this.log(
      preparator.startsWith('local/')
        ? `next: prepared with a cube folder (${preparator}), which no benchmark knows; to register it, prepare again with --preparator OWNER/NAME, the benchmark's registered preparator`
        : `next: \`gitperf dataset register ${ds.name}\` as ${owner} (it shows the metadata and asks before anything leaves)`,
    );
    return { dir: ds.dir, reused: ds.reused, dataset: ds.entity, preparation: ds.preparation };
  }
}
