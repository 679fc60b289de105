import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { entityDetail } from '../../submission/listings.js';
import { loadRegistryState } from '../../submission/registry-state.js';

export default class MlcubeShow extends BaseCommand {
  static override summary = 'Show a registered mlcube (OWNER/NAME) as stored in the registry.';
  static override args = { ref: Args.string({ description: 'OWNER/NAME', required: true }) };
  static override flags = { ...profileFlags, ...registryDirFlags };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(MlcubeShow);
    const st = await loadRegistryState(flags);
    const entity = entityDetail(st.index, 'MLCube', args.ref, st.problems);
    this.log(`# ${entity.file} (${st.source})`);
    this.log(entity.text.trimEnd());
    return { ref: entity.ref, file: entity.file, ...entity.entity };
  }
}
