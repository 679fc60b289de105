import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BaseCommand } from '../../cli/base-command.js';
import { checkPush, parseHookInput } from '../../submission/pre-receive.js';

export default class HookPreReceive extends BaseCommand {
  static override hidden = true;
  static override summary =
    "The registry repository's pre-receive hook (installed by `gitperf init --local`).";
  static override description =
    'Reads `<old> <new> <ref>` lines on stdin, as git gives a pre-receive hook, and refuses the push (exit 1, reasons on stderr) unless the default branch moves only by a signed merge of a submission whose policy passes and submission metadata only grows by signed reviews.';

  async run(): Promise<void> {
    const gitDir = resolve(process.env.GIT_DIR ?? '.');
    const problems = await checkPush(gitDir, parseHookInput(readFileSync(0, 'utf8')));
    if (problems.length === 0) return;
    for (const problem of problems) process.stderr.write(`gitperf: refused: ${problem}\n`);
    this.exit(1);
  }
}
