import { resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { activeSubmissions, profileFlags } from '../../cli/profile-flag.js';
import { nextStep, viewerOf } from '../../submission/evaluate.js';
import { checkoutRoot, readSubmissionFiles } from '../../submission/files.js';
import { updateSubmission } from '../../submission/update.js';

export default class SubmissionUpdate extends BaseCommand {
  static override summary = 'Push new content to your open submission, e.g. after a request for changes.';
  static override description =
    `FILEs are read like \`submission open\` reads them. The submission gets a new head commit; approvals given on the old head no longer count, so its approvers must review it again.`;
  static override examples = ['<%= config.bin %> submission update 7 registry/mlcubes/lee/bc-centroid.yaml'];
  static override strict = false;
  static override args = {
    number: Args.integer({ description: 'submission number', required: true, min: 1 }),
    files: Args.string({ description: 'entity files to add or change' }),
  };
  static override flags = {
    ...profileFlags,
    delete: Flags.string({ description: 'repository path to delete (repeatable)', multiple: true }),
    message: Flags.string({ char: 'm', description: 'commit message' }),
    root: Flags.string({ description: 'repository root the paths are relative to' }),
  };

  async run(): Promise<unknown> {
    const { args, argv, flags } = await this.parse(SubmissionUpdate);
    const root = resolve(flags.root ?? (await checkoutRoot()));
    const files = await readSubmissionFiles((argv as string[]).slice(1), flags.delete ?? [], root);
    const ctx = await activeSubmissions(flags);
    const evaluated = await updateSubmission(ctx, args.number, files, flags.message);
    this.log(`updated submission #${args.number}: new head ${evaluated.submission.headSha.slice(0, 12)}`);
    // The author's own approval never counted; only others' approvals are news here.
    const stale = evaluated.decision.staleApprovals.filter(
      (l) => l !== evaluated.submission.author.toLowerCase(),
    );
    if (stale.length > 0)
      this.log(`  approvals by ${stale.join(', ')} were on the old head and no longer count`);
    this.log(`  next: ${nextStep(evaluated, viewerOf(ctx))}`);
    return {
      ...evaluated.submission,
      policy: evaluated.decision.status,
      staleApprovals: stale,
      next: nextStep(evaluated, viewerOf(ctx)),
    };
  }
}
