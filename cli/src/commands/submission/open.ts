import { resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { activeSubmissions, profileFlags } from '../../cli/profile-flag.js';
import { nextStep, viewerOf } from '../../submission/evaluate.js';
import { checkoutRoot, readSubmissionFiles } from '../../submission/files.js';
import { openEntitySubmission } from '../../submission/open.js';

export default class SubmissionOpen extends BaseCommand {
  static override summary = 'Open a submission from entity files in a checkout of the registry.';
  static override description =
    `Each FILE is read from disk and submitted at its path relative to the repository root (--root, default: the git checkout containing the current directory). The policy is asked first: a submission that would break the registry rules is not opened. Prints the submission number and who must approve it.`;
  static override examples = [
    '<%= config.bin %> submission open registry/mlcubes/lee/bc-centroid.yaml',
    '<%= config.bin %> submission open --delete registry/runners/hospital-a/old.yaml',
  ];
  static override strict = false;
  static override args = { files: Args.string({ description: 'entity files to add or change' }) };
  static override flags = {
    ...profileFlags,
    delete: Flags.string({ description: 'repository path to delete (repeatable)', multiple: true }),
    title: Flags.string({ description: 'title (default: derived from the files)' }),
    message: Flags.string({ char: 'm', description: 'a note added to the description' }),
    root: Flags.string({ description: 'repository root the paths are relative to' }),
  };

  async run(): Promise<unknown> {
    const { argv, flags } = await this.parse(SubmissionOpen);
    const root = resolve(flags.root ?? (await checkoutRoot()));
    const files = await readSubmissionFiles(argv as string[], flags.delete ?? [], root);
    const ctx = await activeSubmissions(flags);
    const opened = await openEntitySubmission(ctx, { files, title: flags.title, note: flags.message });
    this.log(`opened submission #${opened.submission.number}: ${opened.submission.title}`);
    this.log(`  ${opened.submission.url}`);
    if (opened.reviewerWarning) this.warn(opened.reviewerWarning);
    this.log(`  next: ${nextStep(opened, viewerOf(ctx))}`);
    return {
      ...opened.submission,
      policy: opened.decision.status,
      required: opened.decision.required,
      next: nextStep(opened, viewerOf(ctx)),
    };
  }
}
