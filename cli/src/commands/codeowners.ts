import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { fail } from '../diagnostics/diagnostic.js';

export default class Codeowners extends BaseCommand {
  static override summary = "Generate .github/CODEOWNERS from the registry's users and benchmarks.";
  static override description =
    `Admins own everything and registry/users/; each benchmark folder belongs to its committee and its benchmark.yaml to the admins; each user owns their mlcubes/, datasets/, runners/ folders and their results in every benchmark (written when the user is added). Lines are ordered for GitHub's "last match wins". With --check nothing is written: exits 1 and shows the difference when the committed file is stale.`;
  static override examples = ['<%= config.bin %> codeowners', '<%= config.bin %> codeowners --check'];
  static override flags = {
    check: Flags.boolean({ description: 'only check that the committed file is up to date' }),
    root: Flags.string({
      default: '.',
      description: 'the repository root (holding registry/)',
      helpValue: 'DIR',
    }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Codeowners);
    const { codeownersStatus, describeDiff, writeCodeowners } = await import('../policy/codeowners/write.js');
    const { existsSync } = await import('node:fs');
    if (!existsSync(`${flags.root}/registry/users`)) {
      fail(
        'codeowners.no-registry',
        `${flags.root} has no registry/users/ folder; run this at the repository root`,
        {},
        2,
      );
    }
    const status = flags.check ? codeownersStatus(flags.root) : writeCodeowners(flags.root);
    const lines = flags.check && !status.upToDate ? describeDiff(status.actual, status.expected) : [];
    if (flags.check && !status.upToDate) process.exitCode = 1;
    if (this.jsonEnabled())
      return { path: status.path, upToDate: status.upToDate, bytes: status.bytes, diff: lines };
    if (flags.check) {
      if (status.upToDate) this.log(`${status.path} is up to date (${status.bytes} bytes)`);
      else {
        process.stderr.write(
          `${status.path}: error codeowners.stale the committed file is not what \`gitperf codeowners\` generates; run it and commit the result\n${lines.join('\n')}\n`,
        );
      }
    } else {
      this.log(
        status.upToDate
          ? `${status.path} already up to date (${status.bytes} bytes)`
          : `wrote ${status.path} (${status.bytes} bytes)`,
      );
    }
    return undefined;
  }
}
