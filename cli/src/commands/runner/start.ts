import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags, runnerFlag } from '../../cli/participant-flags.js';
import { givenConsent } from '../../participants/index.js';
import { checkUnattendedEngine, type PassReport, startRunner } from '../../runner/index.js';

export default class RunnerStart extends BaseCommand {
  static override summary =
    "Run the jobs the registry waits for on this runner's datasets, and submit one result per job.";
  static override description =
    "The embedded hospital runner, run under the hospital's profile on the machine holding the prepared data. Each pass fetches the registry, takes the plan for the datasets the Runner serves (`gitperf plan --runner`), runs each job as `benchmark run` does (containers by default, verified cubes, partial results on model errors) and opens one result submission per job, from a branch named after the job and the registry state it ran against; a job already submitted (open, merged or closed) is not run again, and a job that failed is not retried until the registry changes its cubes or data. The Runner's spec.consent decides whether each result waits for the data owner's approving review (review, the default) or merges once the policy passes (standing). Without podman or docker it refuses unless --runner local is given (then only inside the bubblewrap sandbox). --once: one pass, exit 0 when every job is submitted, 1 when any failed or could not run.";
  static override examples = [
    '<%= config.bin %> runner start --profile hospital-a',
    '<%= config.bin %> runner start --name runner-a --once --runner local',
    '<%= config.bin %> runner start --interval 300',
  ];
  static override flags = {
    name: Flags.string({
      description: "the Runner to run as (NAME or OWNER/NAME); default: the profile login's only Runner",
      helpValue: 'NAME',
    }),
    once: Flags.boolean({ description: 'one pass, then exit (0: every job submitted; 1: any failed)' }),
    interval: Flags.integer({
      description: 'seconds between passes',
      default: 60,
      min: 1,
      helpValue: 'S',
    }),
    ...runnerFlag,
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(RunnerStart);
    const json = this.jsonEnabled();
    const participant = {
      ...(await participantFromFlags(flags, json, (d) => this.report(d))),
      // Starting the runner is the hospital's go-ahead; the registry records the data owner's consent
      // (the Runner's spec.consent), so nothing is asked at the terminal.
      consent: givenConsent(),
    };
    await checkUnattendedEngine(participant.runner, flags.runner);
    const controller = new AbortController();
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: now
      if (!json)
        process.stderr.write(
          'stopping: no new job starts and no submission is opened (Ctrl-C again to quit now)\n',
        );
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const passes: PassReport[] = [];
    try {
      const out = await startRunner({
        participant,
        name: flags.name,
        once: flags.once,
        interval: flags.interval,
        signal: controller.signal,
        log: json ? undefined : (line) => this.log(line),
        onPass: (report) => {
          for (const warning of report.warnings) this.report(warning);
          if (flags.once) passes.push(report);
          if (!json) this.log(summary(report));
        },
      });
      const last = out.last;
      if (flags.once && last && !last.ok) process.exitCode = 1;
      if (controller.signal.aborted) process.exitCode = 130;
      return flags.once ? last : { runner: out.runner, passes: out.passes };
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

/** One line per pass: what it did. */
function summary(passReport: PassReport): string {
  const at = passReport.registrySha.slice(0, 12);
  if (passReport.unchanged)
    return `pass at ${at}: registry unchanged, nothing to do${passReport.ok ? '' : ' (earlier failures are not retried)'}`;
  if (passReport.jobs.length === 0) return `pass at ${at}: no job waits for ${passReport.runner}`;
  const count = new Map<string, number>();
  for (const job of passReport.jobs) count.set(job.status, (count.get(job.status) ?? 0) + 1);
  return `pass at ${at}: ${passReport.jobs.length} job(s): ${[...count].map(([s, n]) => `${n} ${s}`).join(', ')}`;
}
