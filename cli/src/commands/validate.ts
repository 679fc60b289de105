import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { fail } from '../diagnostics/diagnostic.js';
import { checkRegistryFolder } from '../registry/registry-folder.js';

export default class Validate extends BaseCommand {
  static override summary = 'Check a registry folder: schemas, layout and references.';
  static override description =
    `Exits 0 when the registry is valid, 1 when it is not, 2 on usage errors. Each problem is printed as "path:line:col: error CODE message" (or as GitHub annotations with --format github). With --changed-since REF (inside a git checkout) only files changed since REF are checked, plus the reference checks that involve them.`;
  static override examples = [
    '<%= config.bin %> validate registry',
    '<%= config.bin %> validate registry --changed-since origin/main --format github',
    '<%= config.bin %> validate --json',
  ];
  static override args = {
    dir: Args.string({ description: 'the registry folder', default: 'registry' }),
  };
  static override flags = {
    // Checked in run() rather than with `options`, so a bad value exits 2 like other usage errors.
    format: Flags.string({
      description: 'how to print problems: text or github',
      helpValue: 'text|github',
      default: 'text',
    }),
    'changed-since': Flags.string({
      description: 'validate only files changed since this git revision (and the references they touch)',
      helpValue: 'REF',
    }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(Validate);
    if (flags.format !== 'text' && flags.format !== 'github') {
      fail('validate.usage', `--format must be text or github (got ${flags.format})`, {}, 2);
    }
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

    // git runs while the registry code loads (on demand, so other commands do not pay for it).
    const changedP = flags['changed-since'] ? changedSince(dir, flags['changed-since']) : undefined;
    // A rejection is awaited below; do not let it count as unhandled while the imports run.
    changedP?.catch(() => {});
    const [{ FsFileSource }, { validateRegistry }, render] = await Promise.all([
      import('../registry/file-source.js'),
      import('../registry/validate.js'),
      import('../diagnostics/render.js'),
    ]);
    const changed = await changedP;
    const report = await validateRegistry(new FsFileSource(dir), { changed });

    if (!report.valid) process.exitCode = 1;
    if (this.jsonEnabled()) {
      return {
        valid: report.valid,
        entities: report.entities,
        errors: report.diagnostics.map((d) => {
          const { severity: _s, ...rest } = render.toJson(d);
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

/**
 * Paths under `dir` (relative to it) that differ from `ref`: committed, staged, unstaged and
 * untracked. Renames count as a deletion plus an addition. Git stays here, in the command layer:
 * the registry module knows nothing about git.
 */
async function changedSince(dir: string, ref: string): Promise<string[]> {
  const git = (args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile('git', ['-C', dir, ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
        err ? reject(new Error(String(stderr).trim() || err.message)) : resolve(String(stdout)),
      ),
    );
  try {
    const [diff, untracked] = await Promise.all([
      git(['diff', '--name-only', '--no-renames', '--relative', '-z', ref, '--', '.']),
      git(['ls-files', '--others', '--exclude-standard', '-z', '--', '.']),
    ]);
    return [...new Set([...diff.split('\0'), ...untracked.split('\0')].filter(Boolean))];
  } catch (e) {
    return fail(
      'validate.git',
      `--changed-since ${ref}: ${(e as Error).message.split('\n')[0]} (it needs a git checkout and a revision that exists)`,
      {},
      2,
    );
  }
}
