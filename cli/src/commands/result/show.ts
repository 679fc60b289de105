import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { identitiesFromFlags, identityFlags } from '../../cli/identity-flag.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { renderResultDetail, resultDetail } from '../../submission/listings.js';
import { loadRegistryState, skippedWarning } from '../../submission/registry-state.js';

export default class ResultShow extends BaseCommand {
  static override summary =
    'One merged result: who, what, its signature, and its metrics (decrypted with your age identity).';
  static override description =
    "A result of a benchmark whose sharing is stricter than full is stored encrypted to the committee, the data owner and (when the participants' level is full) the model owner. It is decrypted with your age identity (--identity, $GITPERF_AGE_IDENTITY, or the files in $GITPERF_HOME/keys/age/), and the digest the runner's signature covers is checked; without a matching identity only the public envelope is shown.";
  static override examples = [
    '<%= config.bin %> result show --benchmark bc-diagnosis --dataset hospital-a/wdbc-a --model lee/bc-centroid',
    '<%= config.bin %> result show -b bc-diagnosis --dataset hospital-a/wdbc-a --model lee/bc-centroid --identity ~/.age/key.txt --json',
  ];
  static override flags = {
    ...profileFlags,
    ...registryDirFlags,
    ...identityFlags,
    benchmark: Flags.string({ char: 'b', description: 'benchmark name', required: true }),
    dataset: Flags.string({ description: 'the dataset (owner/name)', required: true }),
    model: Flags.string({ description: 'the model (owner/name)', required: true }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(ResultShow);
    const st = await loadRegistryState(flags);
    const skipped = skippedWarning(st);
    if (skipped) this.report(skipped);
    const { identities } = await identitiesFromFlags(flags);
    const detail = await resultDetail(
      st.index,
      { benchmark: flags.benchmark, dataset: flags.dataset, model: flags.model },
      identities,
    );
    this.log(renderResultDetail(detail));
    return detail;
  }
}
