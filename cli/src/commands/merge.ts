import { Args } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { activeSubmissions, profileFlags } from '../cli/profile-flag.js';
import { mergeSubmission } from '../submission/merge.js';

export default class Merge extends BaseCommand {
  static override summary = 'Merge a submission, only when the policy says it may.';
  static override description =
    `Asks the policy engine first and refuses with its message unless the decision is pass. The merge commit carries one "Approved-by: LOGIN" trailer per approval the policy counted; it is refused if the submission received a new push after the policy looked at it.`;
  static override args = {
    number: Args.integer({ description: 'submission number', required: true, min: 1 }),
  };
  static override flags = { ...profileFlags };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(Merge);
    const ctx = await activeSubmissions(flags);
    const merged = await mergeSubmission(ctx, args.number);
    this.log(`merged submission #${args.number}: ${merged.submission.title} (${merged.sha.slice(0, 12)})`);
    if (merged.trailers.length > 0) this.log(`  ${merged.trailers.join(', ')}`);
    this.log('  it is now part of the registry');
    return {
      number: args.number,
      sha: merged.sha,
      trailers: merged.trailers,
      title: merged.submission.title,
    };
  }
}
