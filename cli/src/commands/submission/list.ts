import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { activeSubmissions, profileFlags } from '../../cli/profile-flag.js';
import { listEvaluated, viewerOf } from '../../submission/evaluate.js';
import { listLine, toJsonSubmission } from '../../submission/render.js';

export default class SubmissionList extends BaseCommand {
  static override summary = 'List submissions with the policy decision on each and what happens next.';
  static override examples = [
    '<%= config.bin %> submission list --waiting-for-me',
    '<%= config.bin %> submission list --mine --state all',
  ];
  static override flags = {
    ...profileFlags,
    mine: Flags.boolean({ description: 'only submissions you opened' }),
    'waiting-for-me': Flags.boolean({ description: 'only open submissions that need your approval' }),
    state: Flags.string({
      options: ['open', 'merged', 'closed', 'all'],
      default: 'open',
      description: 'which submissions',
    }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(SubmissionList);
    const ctx = await activeSubmissions(flags);
    const list = await listEvaluated(ctx, {
      mine: flags.mine,
      waitingForMe: flags['waiting-for-me'],
      state: flags.state as 'open' | 'merged' | 'closed' | 'all',
    });
    if (list.length === 0) this.log('no submissions match');
    for (const evaluated of list) this.log(listLine(evaluated, viewerOf(ctx)));
    return { user: ctx.user, submissions: list.map((e) => toJsonSubmission(e, viewerOf(ctx))) };
  }
}
