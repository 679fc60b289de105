import { readFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { execa } from 'execa';
import { BaseCommand } from '../../cli/base-command.js';
import { activeSubmissions, profileFlags } from '../../cli/profile-flag.js';
import { fail } from '../../diagnostics/diagnostic.js';
import type { SubmissionFile } from '../../forge/forge.js';
import { nextStep } from '../../submission/evaluate.js';
import { openEntitySubmission } from '../../submission/open.js';

export default class SubmissionOpen extends BaseCommand {
  static override summary = 'Open a submission from entity files in a checkout of the registry.';
  static override description =
    `Each FILE is read from disk and submitted at its path relative to the repository root (--root, default:
the git checkout containing the current directory). The policy is asked first: a submission that would break
the registry rules is not opened. Prints the submission number and who must approve it.`;
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
    const paths = argv as string[];
    if (paths.length === 0 && !flags.delete?.length)
      fail('submission.no-files', 'name at least one FILE (or --delete PATH)', {}, 2);
    const root = resolve(flags.root ?? (await gitRoot()));
    const rel = (p: string) => {
      const r = relative(root, resolve(p));
      if (r.startsWith('..') || r === '')
        fail('submission.outside-root', `${p} is not inside the repository ${root}`, {}, 2);
      return r.split(sep).join('/');
    };
    const files: SubmissionFile[] = [];
    for (const p of paths) {
      let content: string;
      try {
        content = await readFile(resolve(p), 'utf8');
      } catch {
        fail('submission.file-missing', `cannot read ${p}`, { file: p }, 2);
      }
      files.push({ path: rel(p), content });
    }
    for (const d of flags.delete ?? [])
      files.push({ path: d.includes(sep) && resolve(d) === d ? rel(d) : d, content: null });
    const ctx = await activeSubmissions(flags);
    const o = await openEntitySubmission(ctx, { files, title: flags.title, note: flags.message });
    this.log(`opened submission #${o.submission.number}: ${o.submission.title}`);
    this.log(`  ${o.submission.url}`);
    if (o.reviewerWarning) this.warn(o.reviewerWarning);
    this.log(`  next: ${nextStep(o, ctx.user)}`);
    return {
      ...o.submission,
      policy: o.decision.status,
      required: o.decision.required,
      next: nextStep(o, ctx.user),
    };
  }
}

async function gitRoot(): Promise<string> {
  const r = await execa('git', ['rev-parse', '--show-toplevel'], { reject: false });
  return r.exitCode === 0 ? String(r.stdout).trim() : process.cwd();
}
