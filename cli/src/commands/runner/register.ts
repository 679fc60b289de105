import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags } from '../../cli/participant-flags.js';
import { activeProfile } from '../../cli/profile-flag.js';
import { GitperfError } from '../../diagnostics/diagnostic.js';
import {
  describeOutcome,
  githubRunnerSteps,
  jitRunner,
  jitRunnerSteps,
  me,
  registerRunner,
  repositoryUrl,
  runnerEntity,
} from '../../participants/index.js';

export default class RunnerRegister extends BaseCommand {
  static override summary = 'Declare a self-hosted runner and the datasets it serves (self-service).';
  static override description =
    `Opens the submission of registry/runners/<you>/<name>.yaml (its labels must be yours alone: labels that would also route another owner's jobs are refused), and, for a GitHub registry, prints the exact steps to attach an ephemeral GitHub self-hosted runner with those labels. --jit asks GitHub for a just-in-time runner instead (one job, no stored registration; needs a repository admin's token) and prints the command that starts it; when the Runner entity is already merged, --jit only does that.`;
  static override examples = [
    '<%= config.bin %> runner register --name runner-a --dataset wdbc-a --labels self-hosted,gitperf,hospital-a',
    '<%= config.bin %> runner register --name runner-a --dataset wdbc-a --consent standing',
    '<%= config.bin %> runner register --name runner-a --dataset wdbc-a --jit',
  ];
  static override flags = {
    name: Flags.string({ required: true, description: 'runner name' }),
    dataset: Flags.string({
      required: true,
      multiple: true,
      description: 'dataset it serves (name or owner/name); repeatable',
    }),
    labels: Flags.string({
      description: 'runner labels, comma-separated (default: self-hosted,gitperf,<you>)',
    }),
    'public-key': Flags.string({
      description:
        'public key (ssh-ed25519 ...) that verifies results it signs; default: a key pair made in $GITPERF_HOME/keys/runners/<you>/<name> (private key mode 0600, never leaves this machine)',
    }),
    consent: Flags.string({
      options: ['review', 'standing'],
      description:
        'how you consent to the results it submits: review (default: you approve each result submission) or standing (this Runner entity is your consent; its results merge once the policy passes)',
    }),
    description: Flags.string({ description: 'a short description' }),
    jit: Flags.boolean({
      description: 'GitHub: register a just-in-time runner with these labels and print how to start it',
    }),
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(RunnerRegister);
    const participant = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const input = {
      name: flags.name,
      datasets: flags.dataset,
      labels: flags.labels
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      publicKey: flags['public-key'],
      description: flags.description,
      consent: flags.consent as 'review' | 'standing' | undefined,
    };
    let out: Awaited<ReturnType<typeof registerRunner>> | undefined;
    try {
      out = await registerRunner(participant, input);
      this.log(describeOutcome(out));
    } catch (e) {
      // With --jit the entity may be merged already: attaching another runner needs no new submission.
      if (!(flags.jit && e instanceof GitperfError && e.diagnostic.code === 'submission.no-change')) throw e;
      this.log(`runner ${me(participant)}/${flags.name} is already registered with these settings`);
    }
    const entity = out?.entity ?? runnerEntity(me(participant), input);
    const { profile } = await activeProfile(flags);
    if (flags.jit) {
      const config = await jitRunner(participant.sub.forge, entity);
      this.log(jitRunnerSteps(config));
      return { ...out, jit: config };
    }
    if (profile.forge === 'github')
      this.log(githubRunnerSteps(entity, repositoryUrl(profile.repo, profile.baseUrl)));
    else
      this.log(
        'next: run the jobs on this machine with `gitperf runner start` (a GitHub registry attaches a GitHub self-hosted runner instead)',
      );
    return out;
  }
}
