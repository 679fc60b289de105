import { appendFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { GitperfError } from '../../diagnostics/diagnostic.js';
import type { Review } from '../../forge/forge.js';

export default class PolicyCheck extends BaseCommand {
  static override summary =
    'Decide whether a pull request may merge: who may change what, and who must approve.';
  static override description =
    `Compares the registry at --base and --head (from their merge base, like GitHub), checks that --author may make every change, and names the approvals still missing. Run inside a git checkout. Exit codes: 0 pass, 1 fail (a rule is broken), 3 pending (approvals missing), 2 usage error. Reviews count only when given on the head commit; each reviewer's latest verdict wins. With --format github, problems become annotations and a Markdown summary is appended to $GITHUB_STEP_SUMMARY (or printed, when that is not set).`;
  static override examples = [
    '<%= config.bin %> policy check --base origin/main --head HEAD --author lee',
    '<%= config.bin %> policy check --base main --head pr-7 --author kim --review raj:APPROVED --json',
    '<%= config.bin %> policy check --base $BASE_SHA --head $HEAD_SHA --author $AUTHOR --reviews-file reviews.json --format github',
  ];
  static override flags = {
    base: Flags.string({ required: true, description: 'the base branch or commit', helpValue: 'REF' }),
    head: Flags.string({ default: 'HEAD', description: "the pull request's head", helpValue: 'REF' }),
    author: Flags.string({
      required: true,
      description: 'login of the pull request author',
      helpValue: 'LOGIN',
    }),
    review: Flags.string({
      multiple: true,
      description: 'a review, in order given: LOGIN:STATE[@SHA] (no SHA: on the head)',
      helpValue: 'LOGIN:STATE[@SHA]',
    }),
    'reviews-file': Flags.string({
      description: "JSON array of reviews: forge Reviews or GitHub's pulls/N/reviews answer",
      helpValue: 'FILE.json',
    }),
    repo: Flags.string({ default: '.', description: 'the git repository', helpValue: 'DIR' }),
    format: Flags.string({
      options: ['text', 'github'],
      default: 'text',
      description: 'how to print the decision',
    }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(PolicyCheck);
    const [{ evaluatePolicy, renderDecisionText, renderSummaryMarkdown }, git, input, render] =
      await Promise.all([
        import('../../policy/index.js'),
        import('../../policy/git-tree.js'),
        import('../../policy/review-input.js'),
        import('../../diagnostics/render.js'),
      ]);
    const headSha = git.resolveCommit(flags.repo, flags.head);
    const reviews: Review[] = [];
    if (flags['reviews-file']) {
      const r = input.readReviewsFile(flags['reviews-file']);
      if (!r.ok) throw new GitperfError(r.diagnostic, 2);
      reviews.push(...r.value);
    }
    for (const [i, s] of (flags.review ?? []).entries()) {
      const latest = Math.max(Date.UTC(2000, 0, 1), ...reviews.map((x) => Date.parse(x.submittedAt) || 0));
      const r = input.parseReviewFlag(s, headSha, i, latest);
      if (!r.ok) throw new GitperfError(r.diagnostic, 2);
      reviews.push(r.value);
    }
    const d = await evaluatePolicy({
      repoDir: flags.repo,
      baseRef: flags.base,
      headRef: headSha,
      author: flags.author,
      reviews,
    });
    process.exitCode = d.status === 'pass' ? 0 : d.status === 'fail' ? 1 : 3;
    if (this.jsonEnabled()) {
      return { ...d, violations: d.violations.map(render.toJson) };
    }
    if (flags.format === 'github') {
      const lines = d.violations.map((v) => render.renderGithub(v));
      for (const r of d.required) {
        lines.push(render.renderGithub({ code: r.code, message: r.why, severity: 'warning', file: r.file }));
      }
      lines.push(renderDecisionText(d));
      process.stdout.write(`${lines.join('\n')}\n`);
      const md = renderSummaryMarkdown(d);
      if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${md}\n`);
      else process.stdout.write(`\n${md}`);
      return undefined;
    }
    process.stdout.write(`${renderDecisionText(d)}\n`);
    return undefined;
  }
}
