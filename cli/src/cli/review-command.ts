import { Args, Flags } from '@oclif/core';
import type { ReviewEvent } from '../forge/forge.js';
import { viewerOf } from '../submission/evaluate.js';
import { renderReviewOutcome, reviewOutcomeJson } from '../submission/render.js';
import { reviewSubmission } from '../submission/review.js';
import { BaseCommand } from './base-command.js';
import { activeSubmissions, profileFlags } from './profile-flag.js';

/** The three `gitperf review …` commands differ only in the review event and their summary. */
export function reviewCommand(event: ReviewEvent, summary: string) {
  return class extends BaseCommand {
    static override summary = summary;
    static override args = {
      number: Args.integer({ description: 'submission number', required: true, min: 1 }),
    };
    static override flags = {
      ...profileFlags,
      message: Flags.string({ char: 'm', description: 'review message' }),
    };

    async run(): Promise<unknown> {
      const { args, flags } = await this.parse(this.constructor as ReturnType<typeof reviewCommand>);
      const ctx = await activeSubmissions(flags);
      const outcome = await reviewSubmission(ctx, args.number, event, flags.message);
      this.log(renderReviewOutcome(outcome, viewerOf(ctx)));
      return reviewOutcomeJson(outcome, viewerOf(ctx));
    }
  };
}
