import { statSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { fail } from '../diagnostics/diagnostic.js';
import { checkRegistryFolder } from '../registry/registry-folder.js';

export default class Validate extends BaseCommand {
  static override summary = 'Check a registry folder: schemas, layout and references.';
  static override description =
    `Exits 0 when the registry is valid, 1 when it is not, 2 on usage errors. Each problem is printed as "path:line:col: error CODE message" (or as GitHub annotations with --format github). With --changed-since REF (inside a git checkout) only files changed since REF are checked, plus the reference checks that involve them: by default the working tree as it is (committed, staged, unstaged and untracked files; git scans the whole working tree for them), with --head REV the commit REV read from git objects (no scan; the time follows the size of the change, which is what a pull request check wants).`;
  static override examples = [
    '<%= config.bin %> validate registry',
    '<%= config.bin %> validate registry --changed-since origin/main',
    '<%= config.bin %> validate registry --changed-since "$BASE_SHA" --head "$HEAD_SHA" --format github',
    '<%= config.bin %> validate --json',
  ];
  static override args = {
    dir: Args.string({ description: 'the registry folder', default: 'registry' }),
  };
  static override flags = {
    format: Flags.string({
      description: 'how to print problems: text or github',
      options: ['text', 'github'],
      default: 'text',
    }),
    'changed-since': Flags.string({
      description: 'validate only files changed since this git revision (and the references they touch)',
      helpValue: 'REF',
    }),
    head: Flags.string({
      description:
        'with --changed-since: check the registry as committed at this revision, reading git objects only (the working tree is not read; what a pull request check uses)',
      helpValue: 'REV',
      dependsOn: ['changed-since'],
    }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(Validate);
    const dir = args.dir.replace(/\/+$/, '') || '.';
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {}
    if (!isDir)
      fail(
        'validate.no-registry',
        `${dir} is not a folder; pass the registry folder (default: registry)`,
        {},
        2,
      );

    const folder = checkRegistryFolder(dir);
    if (!folder.isRegistry)
      fail(
        'validate.not-registry',
        `${dir} is not a registry folder (no registry.yaml, users/, mlcubes/, datasets/, runners/ or benchmarks/ in it); ` +
          (folder.suggestion
            ? `did you mean ${folder.suggestion}?`
            : 'pass the registry folder (default: registry)'),
        {},
        2,
      );

    const since = flags['changed-since'];
    const head = flags.head;
    // git runs while the registry code loads (on demand, so other commands do not pay for it).
    const changedP = since && !head ? changedSince(dir, since) : undefined;
    // A rejection is awaited below; do not let it count as unhandled while the imports run.
    changedP?.catch(() => {});
    const [{ FsFileSource }, { validateRegistry }, render, { homeLayout }] = await Promise.all([
      import('../registry/file-source.js'),
      import('../registry/validate.js'),
      import('../diagnostics/render.js'),
      import('../infra/gitperf-home.js'),
    ]);
    let source: import('../registry/file-source.js').FileSource = new FsFileSource(dir);
    let changed = await changedP;
    if (since && head) {
      const { registryChangesBetweenCommits } = await import('../policy/commit-changes.js');
      ({ source, changed } = registryChangesBetweenCommits(dir, since, head, dir));
    }
    // The home's parse cache keeps result signatures' verdicts between whole-registry validations.
    const report = await validateRegistry(source, { changed, cacheDir: homeLayout().parseCache });

    if (!report.valid) process.exitCode = 1;
    if (this.jsonEnabled()) {
      return {
        valid: report.valid,
        entities: report.entities,
        errors: report.diagnostics.map((diagnostic) => {
          const { severity: _s, ...rest } = render.toJson(diagnostic);
          return rest;
        }),
      };
    }
    const format = flags.format === 'github' ? 'github' : 'text';
    const lines = report.diagnostics.map((d) => render.renderDiagnostic(d, format));
    const total = Object.values(report.entities).reduce((a, b) => a + b, 0);
    const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
    // A change is checked in time proportional to its size, so only its files are counted.
    const scope = changed
      ? `${changed.length} changed file${changed.length === 1 ? '' : 's'}`
      : `${total} entit${total === 1 ? 'y' : 'ies'}`;
    lines.push(
      report.valid
        ? `${dir}: valid (${scope})`
        : `${dir}: ${errors} error${errors === 1 ? '' : 's'} (${scope})`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return undefined;
  }
}

/** What git said (its first stderr line), or the error's message when git did not run. */
function gitProblem(failure: unknown): string {
  if (
    failure instanceof Error &&
    'stderr' in failure &&
    typeof failure.stderr === 'string' &&
    failure.stderr.trim()
  ) {
    return failure.stderr.trim().split('\n')[0];
  }
  return (failure as Error).message.split('\n')[0];
}

/**
 * Paths under `dir` (relative to it) that differ from `ref`: committed, staged, unstaged and
 * untracked. Renames count as a deletion plus an addition. Git stays here, in the command layer:
 * the registry module knows nothing about git.
 */
async function changedSince(dir: string, ref: string): Promise<string[]> {
  // The synchronous runner: this is on the start-up path of a fast check, where loading execa would cost more
  // than running the two git processes one after the other.
  const { runGitSync } = await import('../git/git.js');
  const git = (args: string[]) => runGitSync(args, { cwd: dir }).stdout.toString('utf8');
  try {
    const diff = git(['diff', '--name-only', '--no-renames', '--relative', '-z', ref, '--', '.']);
    const untracked = git(['ls-files', '--others', '--exclude-standard', '-z', '--', '.']);
    return [...new Set([...diff.split('\0'), ...untracked.split('\0')].filter(Boolean))];
  } catch (e) {
    return fail(
      'validate.git',
      `--changed-since ${ref}: ${gitProblem(e)} (it needs a git checkout and a revision that exists)`,
      {},
      2,
    );
  }
}
