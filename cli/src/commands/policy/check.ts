import { appendFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { GitperfError } from '../../diagnostics/diagnostic.js';
import { printable } from '../../diagnostics/terminal-text.js';
import type { Review } from '../../forge/forge.js';

export default class PolicyCheck extends BaseCommand {
  static override summary =
    'Decide whether a pull request may merge: who may change what, and who must approve.';
  static override description =
    `Compares the registry at --base and --head (from their merge base, like GitHub), checks that --author may make every change, and names the approvals still missing. Run inside a git checkout. Exit codes: 0 pass, 1 fail (a rule is broken), 3 pending (approvals missing; 0 with --pending-ok), 2 usage error. Reviews count only when given on the head commit; each reviewer's latest verdict wins. With --format github, problems become annotations and a Markdown summary is appended to $GITHUB_STEP_SUMMARY (or printed, when that is not set).`;
  static override examples = [
    '<%= config.bin %> policy check --base origin/main --head HEAD --author lee',
    '<%= config.bin %> policy check --base main --head pr-7 --author kim --review raj:APPROVED --json',
    '<%= config.bin %> policy check --base $BASE_SHA --head $HEAD_SHA --author $AUTHOR --reviews-file reviews.json --format github',
    '<%= config.bin %> policy check --base $BASE_SHA --head $HEAD_SHA --author $AUTHOR --format github --decision-file decision.json --pending-ok',
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
    'decision-file': Flags.string({
      description: 'also write the decision as JSON (the --json shape) to this file',
      helpValue: 'FILE.json',
    }),
    'pending-ok': Flags.boolean({
      description:
        'exit 0 when only approvals are missing (a check whose pending approvals another status reports)',
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
      const fileReviews = input.readReviewsFile(flags['reviews-file']);
      if (!fileReviews.ok) throw new GitperfError(fileReviews.diagnostic, 2);
      reviews.push(...fileReviews.value);
    }
    for (const [index, reviewFlag] of (flags.review ?? []).entries()) {
      const latest = Math.max(Date.UTC(2000, 0, 1), ...reviews.map((x) => Date.parse(x.submittedAt) || 0));
      const parsed = input.parseReviewFlag(reviewFlag, headSha, index, latest);
      if (!parsed.ok) throw new GitperfError(parsed.diagnostic, 2);
      reviews.push(parsed.value);
    }
    const decision = await evaluatePolicy({
      repoDir: flags.repo,
      baseRef: flags.base,
      headRef: headSha,
      author: flags.author,
      reviews,
    });
    process.exitCode =
      decision.status === 'pass' ? 0 : decision.status === 'fail' ? 1 : flags['pending-ok'] ? 0 : 3;
    const json = { ...decision, violations: decision.violations.map(render.toJson) };
    if (flags['decision-file']) {
      const { writeFileAtomic } = await import('../../infra/atomic-write.js');
      await writeFileAtomic(flags['decision-file'], `${JSON.stringify(json, null, 2)}\n`);
    }
    if (this.jsonEnabled()) return json;
    if (flags.format === 'github') {
      const lines = decision.violations.map((v) => render.renderGithub(v));
      for (const requirement of decision.required) {
        lines.push(
          render.renderGithub({
            code: requirement.code,
            message: requirement.why,
            severity: 'warning',
            file: requirement.file,
          }),
        );
      }
      // The decision quotes the pull request's paths: printed so that none of it runs as a workflow command.
      lines.push(render.githubUntrustedText(renderDecisionText(decision)));
      process.stdout.write(`${lines.join('\n')}\n`);
      const md = renderSummaryMarkdown(decision);
      if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${md}\n`);
      else process.stdout.write(`${render.githubUntrustedText(md)}\n`);
      return undefined;
    }
    process.stdout.write(`${printable(renderDecisionText(decision))}\n`);
    return undefined;
  }
}
