import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { profileFlags, workflowOrProfileSubmissions } from '../cli/profile-flag.js';
import { GitperfError } from '../diagnostics/diagnostic.js';
import { type BotPass, botPass, renderBotAction, runBot } from '../submission/bot.js';

export default class Bot extends BaseCommand {
  static override summary =
    "The merge bot: merge every open submission the policy passes on the profile's forge.";
  static override description =
    'For every open submission: evaluates the policy on its current head against the base tip, merged tree included; requests the reviewers it names; merges the ones that pass, with one "Approved-by: LOGIN" trailer per counted approval, refused if the head (or, on the local forge, the base) moved after the evaluation. --once does one pass, prints what it did per submission (merged / waiting for WHO / failing: WHY) and exits 0, or 1 when the bot itself failed (git, the forge, permissions); without it the bot passes every --interval seconds until SIGINT or SIGTERM. With --json: the pass as {"actions":[...],"failed"} (one JSON line per pass without --once).';
  static override examples = [
    '<%= config.bin %> bot --once --profile bot',
    '<%= config.bin %> bot --interval 30',
    '<%= config.bin %> bot --once --github   # a workflow step, acting as the GitHub App (GITPERF_BOT)',
  ];
  static override flags = {
    ...profileFlags,
    once: Flags.boolean({ description: 'one pass, then exit (1 only when the bot itself failed)' }),
    interval: Flags.integer({
      description: 'seconds between passes (without --once)',
      default: 10,
      min: 1,
      helpValue: 'S',
    }),
    github: Flags.boolean({
      description:
        'as a workflow step: the repository, token and acting bot from GITHUB_REPOSITORY, GITHUB_TOKEN and GITPERF_BOT (instead of a profile)',
      exclusive: ['profile'],
    }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Bot);
    const ctx = await workflowOrProfileSubmissions(flags);
    const show = (pass: BotPass) => {
      if (pass.actions.length === 0) this.log('no open submissions');
      for (const action of pass.actions) this.log(renderBotAction(action));
    };
    if (flags.once) {
      const pass = await botPass(ctx);
      show(pass);
      if (pass.failed) process.exitCode = 1;
      return pass;
    }
    // Each submission's line is printed when it changes, so a bot looping all day logs events, not polls.
    const lastLine = new Map<number, string>();
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await runBot(ctx, {
        intervalMs: flags.interval * 1000,
        signal: stop.signal,
        onPass: (pass) => {
          if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(pass)}\n`);
          else
            for (const action of pass.actions) {
              const line = renderBotAction(action);
              if (lastLine.get(action.number) === line) continue;
              lastLine.set(action.number, line);
              this.log(line);
            }
        },
        onPassError: (passError) => {
          if (passError instanceof GitperfError) this.report(passError.diagnostic);
          else throw passError;
        },
      });
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
    return undefined;
  }
}
