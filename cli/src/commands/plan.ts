import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { profileFlags, registryDirFlags } from '../cli/profile-flag.js';
import { fail } from '../diagnostics/diagnostic.js';

export default class Plan extends BaseCommand {
  static override summary =
    'The jobs the registry is waiting for: (benchmark, dataset, model) without a current result.';
  static override description =
    `A job is a model on a dataset of a benchmark in operation, both associations merged, with no result (new) or a result whose recorded cube hashes, image digests or dataset generatedUid differ from the registry's current ones (stale). Each job names the Runner serving its dataset and its labels, or unassigned. Ordered by the benchmark's model priority (reference model first), then by association age (git). Files that do not load are planned around and named on stderr (in "warnings" with --json). --format github-matrix prints {"empty","count","unassigned","chunks":[{"include":[...]}]} for fromJSON, at most 256 jobs per chunk (unassigned jobs are left out: no runner can take them).`;
  static override examples = [
    '<%= config.bin %> plan --registry registry',
    '<%= config.bin %> plan --runner hospital-a/runner-a --json',
    '<%= config.bin %> plan --registry . --format github-matrix --output-name matrix >> "$GITHUB_OUTPUT"',
    '<%= config.bin %> plan --mine --profile hospital-a',
  ];
  static override flags = {
    ...profileFlags,
    ...registryDirFlags,
    format: Flags.string({
      description: 'text, or github-matrix (one line `matrix=<json>` for $GITHUB_OUTPUT with --output-name)',
      helpValue: 'text|github-matrix',
      default: 'text',
    }),
    'output-name': Flags.string({
      description:
        'with --format github-matrix: print `NAME=<json>` (a $GITHUB_OUTPUT line) instead of the JSON',
      helpValue: 'NAME',
    }),
    runner: Flags.string({ description: 'only the datasets this Runner serves', helpValue: 'OWNER/NAME' }),
    dataset: Flags.string({ description: 'only this dataset', helpValue: 'OWNER/NAME' }),
    benchmark: Flags.string({ char: 'b', description: 'only this benchmark', helpValue: 'NAME' }),
    mine: Flags.boolean({
      description: "only datasets owned by the profile's user (what my datasets wait for)",
    }),
  };

  /** Plain JSON: oclif colourises (tokenises) --json output, which costs seconds for 100,000 jobs. */
  protected override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Plan);
    if (flags.format !== 'text' && flags.format !== 'github-matrix')
      fail('plan.usage', `--format must be text or github-matrix (got ${flags.format})`, {}, 2);
    if (flags.runner && !/^[^/\s]+\/[^/\s]+$/.test(flags.runner))
      fail('plan.usage', `--runner takes OWNER/NAME (got ${flags.runner})`, {}, 2);
    let datasetOwner: string | undefined;
    if (flags.mine) {
      const { activeProfile } = await import('../cli/profile-flag.js');
      const active = await activeProfile(flags);
      datasetOwner = active.profile.user;
      if (!datasetOwner)
        fail('plan.no-user', `--mine needs a profile with a user; profile ${active.name} has none`, {}, 2);
    }
    const [plan, render] = await Promise.all([import('../plan/index.js'), import('../plan/render.js')]);
    let where: string;
    let source: import('../registry/file-source.js').FileSource;
    let git: import('../plan/index.js').GitLocation | undefined;
    let folder: string | undefined;
    if (flags.registry) {
      // A folder (what a workflow checks out): no profile, no forge code loaded. As the other commands read
      // --registry: the registry folder itself, or the repository holding registry/.
      const [{ FsFileSource }, { findRegistryDir }, { relative }] = await Promise.all([
        import('../registry/file-source.js'),
        import('../registry/registry-folder.js'),
        import('node:path'),
      ]);
      const found = await findRegistryDir(flags.registry);
      if (!found)
        fail(
          'registry.dir-missing',
          `${flags.registry} is not a registry folder (no registry.yaml in it or in registry/ below it); pass it with --registry`,
          {},
          2,
        );
      where = relative(process.cwd(), found) || '.';
      source = new FsFileSource(where);
      folder = where;
      git = await plan.checkoutLocation(where);
    } else {
      const { registrySource } = await import('../submission/registry-state.js');
      const resolved = await registrySource(flags);
      source = resolved.source;
      where = resolved.where;
      git = resolved.git
        ? { ...resolved.git, registryPrefix: 'registry' }
        : await plan.checkoutLocation(where);
    }
    const result = await plan.makePlan(
      source,
      { benchmark: flags.benchmark, dataset: flags.dataset, runner: flags.runner, datasetOwner },
      git,
      folder,
    );
    if (this.jsonEnabled()) return render.planJson(result);
    for (const warning of render.planWarnings(result)) this.report(warning);
    if (flags.format === 'github-matrix') {
      const json = JSON.stringify(render.githubMatrix(result));
      process.stdout.write(flags['output-name'] ? `${flags['output-name']}=${json}\n` : `${json}\n`);
      return undefined;
    }
    process.stdout.write(`${render.renderPlanText(result, where)}\n`);
    return undefined;
  }
}
