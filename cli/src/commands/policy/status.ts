import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { fail } from '../../diagnostics/diagnostic.js';

export default class PolicyStatus extends BaseCommand {
  static override summary =
    'Post the commit status gitperf/policy on a pull request and request the approvers it names (a workflow step).';
  static override description =
    `The policy-status workflow's one step, run on workflow_run of the check and review workflows inside a checkout of the base branch. --github reads GITHUB_REPOSITORY, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH and GITHUB_TOKEN; asks the API for each pull request the event names (a fork's by its head branch); fetches its head sha as git objects (nothing from it is executed); evaluates the policy with the base's rules and registry; posts gitperf/policy (success, failure, or pending naming who must approve) on that sha and requests those reviewers. Writes a summary to GITHUB_STEP_SUMMARY and state, head-sha and pull-requests to GITHUB_OUTPUT. Exit 0 once the statuses are posted, whatever they say.`;
  static override examples = [
    '<%= config.bin %> policy status --github',
    'GITHUB_EVENT_NAME=workflow_dispatch <%= config.bin %> policy status --github --pr 12',
  ];
  static override flags = {
    github: Flags.boolean({
      description: 'read the GitHub Actions environment (the only mode for now)',
      required: true,
    }),
    pr: Flags.integer({ description: 'this pull request instead of the one the event names', min: 1 }),
    repo: Flags.string({ default: '.', description: 'the checkout of the base branch', helpValue: 'DIR' }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(PolicyStatus);
    if (!flags.github) fail('policy-status.usage', 'pass --github', {}, 2);
    const [{ readActionsEnvironment, actionsForge }, { postPolicyStatus }, { resolve }] = await Promise.all([
      import('../../forge/github/actions-environment.js'),
      import('../../submission/policy-status.js'),
      import('node:path'),
    ]);
    const actions = readActionsEnvironment();
    const forge = actionsForge(actions);
    const result = await postPolicyStatus(actions, forge, { cwd: resolve(flags.repo), pr: flags.pr });
    if (this.jsonEnabled())
      return {
        statuses: result.statuses.map(({ decision, ...s }) => ({ ...s, decision: decision.status })),
        ...(result.skipped ? { skipped: result.skipped } : {}),
      };
    if (result.statuses.length === 0) this.log(`nothing to do: ${result.skipped}`);
    for (const status of result.statuses) {
      this.log(
        `#${status.number} ${status.headSha.slice(0, 12)} gitperf/policy ${status.state}: ${status.description}`,
      );
      if (status.reviewersRequested.length > 0)
        this.log(`  requested reviews from ${status.reviewersRequested.join(', ')}`);
      if (status.reviewerWarning) this.log(`  warning: ${status.reviewerWarning}`);
    }
    return undefined;
  }
}
