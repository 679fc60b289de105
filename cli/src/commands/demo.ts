import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { CUBES, runDemo } from '../demo/demo.js';
import { buildExampleImages, useExampleContainerSettings } from '../demo/images.js';
import type { RunnerKind } from '../workflows/execution.js';

export default class Demo extends BaseCommand {
  static override summary = 'Play the whole MedPerf workflow, every role, on a fresh local registry.';
  static override description =
    `Creates a fresh local registry (gitperf init --local) and a $GITPERF_HOME in a new temporary folder (or --dir), then plays the seed workflow with the example cubes and data: the admin adds the users; the committee submits its three MLCubes and the benchmark, the admin approves it; two model owners submit models and request association, the committee approves one and rejects a duplicate request (closed unmerged); three hospitals prepare, register and associate their data and register a runner (two with standing consent, one with review); each hospital's runner makes one pass (as runner start --once) and submits one result per pending job, the hospital with review consent approves its result submissions, and the merge bot (as bot --once) merges what passes; then the committee approves the second model and the runners run only its jobs (each hospital keeps its local state in DIR/sites/<login>, as on its own machine). Prints one line per step, then the per-model, per-dataset table and a summary per model, and ends by building the public leaderboard (DIR/leaderboard) and printing the path of its index page. Afterwards the folder stays: every member has a profile there, e.g. GITPERF_HOME=<dir>/home gitperf submission list --profile ana --state all.`;
  static override examples = [
    '<%= config.bin %> demo',
    '<%= config.bin %> demo --dir /tmp/consortium --runner podman',
  ];
  static override flags = {
    dir: Flags.string({
      description:
        'folder to create the registry and $GITPERF_HOME in (new or empty); default a new temporary folder',
    }),
    runner: Flags.string({
      options: ['local', 'podman'],
      default: 'local',
      description:
        'local: cubes run as python3 processes (bwrap sandbox when installed); podman: the example images, built offline first',
    }),
    verbose: Flags.boolean({ char: 'v', description: 'also print what each consent showed' }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Demo);
    const runner = flags.runner as RunnerKind;
    const json = this.jsonEnabled();
    const write = json ? () => {} : (s: string) => process.stdout.write(s);
    let images: Record<string, string> | undefined;
    if (runner !== 'local') {
      useExampleContainerSettings();
      write('building the example cube images (offline; cached after the first time) ... ');
      images = await buildExampleImages(CUBES.map((c) => c[2]));
      write('done\n');
    }
    const report = await runDemo({ dir: flags.dir, runner, images, write, verbose: flags.verbose });
    for (const diagnostic of report.warnings) this.report(diagnostic);
    write(
      `\ndone in ${report.seconds.toFixed(1)} s. The registry: ${report.clone} (\`git -C ${report.clone} pull\` to update it)\n` +
        `Explore as any member: GITPERF_HOME=${report.home} npx gitperf submission list --state all --profile ana\n` +
        `The public leaderboard: ${report.leaderboard}\n`,
    );
    return report;
  }
}
