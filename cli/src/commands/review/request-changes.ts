import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { activeSubmissions, profileFlags } from '../../cli/profile-flag.js';
import { renderReviewOutcome, reviewOutcomeJson } from '../../submission/render.js';
import { reviewSubmission } from '../../submission/review.js';

export default class ReviewRequestChanges extends BaseCommand {
  static override summary = 'Request changes on a submission (say what, with -m).';
  static override args = {
    number: Args.integer({ description: 'submission number', required: true, min: 1 }),
  };
  static override flags = {
    ...profileFlags,
    message: Flags.string({ char: 'm', description: 'review message' }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(ReviewRequestChanges);
    const ctx = await activeSubmissions(flags);
    const o = await reviewSubmission(ctx, args.number, 'REQUEST_CHANGES', flags.message);
    this.log(renderReviewOutcome(o, ctx.user));
    return reviewOutcomeJson(o, ctx.user);
  }
}
