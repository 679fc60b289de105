import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags, yesFlag } from '../../cli/participant-flags.js';
import { workflowOrProfileSubmissions } from '../../cli/profile-flag.js';
import { fail } from '../../diagnostics/diagnostic.js';
import { describeOutcome, submitResults, submitRunnerResults } from '../../participants/index.js';

export default class ResultSubmit extends BaseCommand {
  static override summary =
    'Publish benchmark results of your dataset, after showing everything they publish and asking consent.';
  static override description =
    `After \`gitperf benchmark run\`: shows everything each result publishes (its registry file as written and, when the benchmark keeps results encrypted, the plaintext metrics and sufficient statistics inside the ciphertext with who can decrypt them) and asks for consent (-y gives it in advance), then opens one submission adding registry/benchmarks/<b>/results/<you>/<dataset>/<model-owner>.<cube>.yaml per model. Results of models that are not associated with the benchmark are left out.`;
  static override examples = [
    '<%= config.bin %> result submit --benchmark bc-diagnosis --dataset wdbc-a',
    '<%= config.bin %> result submit --benchmark bc-diagnosis --dataset wdbc-a --model lee/bc-centroid -y --json',
    '<%= config.bin %> result submit --from gitperf-results --github',
  ];
  static override flags = {
    benchmark: Flags.string({ description: 'benchmark name', exclusive: ['from'] }),
    dataset: Flags.string({ description: 'your dataset (name or owner/name)', exclusive: ['from'] }),
    from: Flags.string({
      description:
        "the results a runner computed (`benchmark run --out DIR`): one submission per Result file, by the registry's bot; the dataset owner's approval is the consent",
      helpValue: 'DIR',
    }),
    github: Flags.boolean({
      description:
        'with --from, as a workflow step: the repository, token and acting bot from GITHUB_REPOSITORY, GITHUB_TOKEN and GITPERF_BOT',
      dependsOn: ['from'],
    }),
    model: Flags.string({ description: 'only the result of this model (owner/name)' }),
    runner: Flags.string({
      description:
        'the runner (owner/name) that produced the results: sign each with its key in $GITPERF_HOME/keys/runners/ (namespace gitperf-result); without it results are unsigned',
      helpValue: 'OWNER/NAME',
    }),
    ...yesFlag,
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(ResultSubmit);
    if (flags.from) return this.submitFrom(flags.from, flags);
    if (!flags.benchmark || !flags.dataset)
      fail(
        'result.usage',
        'name --benchmark and --dataset (or --from DIR for results a runner computed)',
        {},
        2,
      );
    const participant = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const out = await submitResults(participant, {
      benchmark: flags.benchmark,
      dataset: flags.dataset,
      model: flags.model,
      runner: flags.runner,
    });
    this.log(describeOutcome(out));
    return out;
  }

  private async submitFrom(from: string, flags: { github?: boolean; profile?: string }): Promise<unknown> {
    const ctx = await workflowOrProfileSubmissions(flags);
    const outcomes = await submitRunnerResults(ctx, { from });
    for (const outcome of outcomes) {
      if (outcome.problem) this.report(outcome.problem);
      else
        this.log(
          outcome.outcome === 'opened'
            ? `opened #${outcome.number} ${outcome.path} (${outcome.status}${outcome.waitingFor?.length ? `: waiting for ${outcome.waitingFor.map((w) => `@${w}`).join(' or ')}` : ''})\n  ${outcome.url}`
            : `${outcome.outcome}: ${outcome.file}`,
        );
    }
    if (outcomes.length === 0) this.log(`no result files in ${from}`);
    if (outcomes.some((o) => o.outcome === 'refused')) process.exitCode = 1;
    return { submissions: outcomes };
  }
}
