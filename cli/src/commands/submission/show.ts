import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { activeSubmissions, profileFlags } from '../../cli/profile-flag.js';
import { evaluateSubmission, viewerOf } from '../../submission/evaluate.js';
import { showText, toJsonSubmission } from '../../submission/render.js';

export default class SubmissionShow extends BaseCommand {
  static override summary =
    'Show one submission: its files, reviews, the policy decision and what happens next.';
  static override args = {
    number: Args.integer({ description: 'submission number', required: true, min: 1 }),
  };
  static override flags = { ...profileFlags };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(SubmissionShow);
    const ctx = await activeSubmissions(flags);
    const sub = await ctx.forge.getSubmission(args.number);
    const evaluated =
      sub.state === 'open'
        ? await evaluateSubmission(ctx, sub)
        : { submission: sub, reviews: await ctx.forge.listReviews(sub.number) };
    this.log(showText(evaluated, viewerOf(ctx)));
    return toJsonSubmission(evaluated, viewerOf(ctx));
  }
}
