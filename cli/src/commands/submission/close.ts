import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { activeSubmissions, profileFlags } from '../../cli/profile-flag.js';
import { closeSubmission } from '../../submission/close.js';

export default class SubmissionClose extends BaseCommand {
  static override summary = 'Close a submission without merging it (reject it, or withdraw your own).';
  static override args = {
    number: Args.integer({ description: 'submission number', required: true, min: 1 }),
  };
  static override flags = {
    ...profileFlags,
    message: Flags.string({ char: 'm', description: 'why (left as a comment)' }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(SubmissionClose);
    const ctx = await activeSubmissions(flags);
    await closeSubmission(ctx, args.number, flags.message);
    this.log(`closed submission #${args.number} without merging it; nothing changed in the registry`);
    return { number: args.number, state: 'closed' };
  }
}
