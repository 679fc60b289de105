import { Command, Errors, type Interfaces } from '@oclif/core';
import { type Diagnostic, GitperfError } from '../diagnostics/diagnostic.js';
import { githubUntrustedText, renderText, toJson } from '../diagnostics/render.js';
import { printable } from '../diagnostics/terminal-text.js';

/** A line GitHub's runner would take as a workflow command (it trims leading whitespace first). */
const COMMAND_LINE = /^\s*::/m;

/**
 * Every gitperf command extends this. It gives `--json`, and turns failures into a rendered
 * Diagnostic with a deliberate exit code instead of a stack trace (set GITPERF_DEBUG=1 for one).
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  /**
   * Every line for people goes through here: text from forges and registry files (titles, bodies, names)
   * is shown with its control characters escaped, so it cannot rewrite the reviewer's terminal. In a GitHub
   * Actions log, a message with a line that would read as a workflow command (a file path with a line break
   * can make one) is printed between stop-commands markers: gitperf's own commands never go through here.
   */
  public override log(message = '', ...args: unknown[]): void {
    const text = printable(message);
    super.log(
      process.env.GITHUB_ACTIONS === 'true' && COMMAND_LINE.test(text) ? githubUntrustedText(text) : text,
      ...args.map((arg) => (typeof arg === 'string' ? printable(arg) : arg)),
    );
  }

  /** Print a diagnostic for people (stderr) unless --json is on. */
  protected report(diagnostic: Diagnostic): void {
    if (!this.jsonEnabled()) process.stderr.write(`${renderText(diagnostic)}\n`);
  }

  /**
   * Every failure to parse the command line is a usage error (exit 2): oclif gives some of its parse
   * errors exit 1, and an `Args.integer` that gets `abc` throws a plain Error, which would otherwise be
   * reported as a bug.
   */
  protected override async parse<
    F extends Record<string, unknown>,
    B extends Record<string, unknown>,
    A extends Record<string, unknown>,
  >(options?: Interfaces.Input<F, B, A>, argv?: string[]): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv);
    } catch (e) {
      if (e instanceof GitperfError) throw e;
      if (e instanceof Errors.CLIError) {
        e.oclif.exit = 2;
        throw e;
      }
      throw new Errors.CLIError(`${(e as Error).message}\nSee more help with --help`, { exit: 2 });
    }
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (err instanceof GitperfError) return this.exitWith(err.diagnostic, err.exitCode);
    const oclif = (err as { oclif?: { exit?: number } }).oclif;
    if (err instanceof Errors.CLIError || oclif) {
      // With --json, a usage error is one diagnostic like any other (oclif would print the whole error
      // object, parser configuration included, and exit 1).
      if (this.jsonEnabled() && !(err instanceof Errors.ExitError)) {
        const message = err.message.replace(/\n*See more help with --help\s*$/, '');
        return this.exitWith({ code: 'cli.usage', message, severity: 'error' }, oclif?.exit ?? 2);
      }
      // oclif's own parse/usage errors keep their exit code (2) and their wording.
      return super.catch(err);
    }
    if (process.env.GITPERF_DEBUG) throw err;
    const environmental = fileSystemProblem(err);
    if (environmental) return this.exitWith(environmental, 1);
    const diagnostic: Diagnostic = {
      code: 'internal',
      message: `${err.message} (this is a bug in gitperf; rerun with GITPERF_DEBUG=1 for details)`,
      severity: 'error',
    };
    return this.exitWith(diagnostic, 1);
  }

  private exitWith(diagnostic: Diagnostic, code: number): never {
    if (this.jsonEnabled()) {
      process.stdout.write(`${JSON.stringify({ error: toJson(diagnostic) }, null, 2)}\n`);
    } else {
      process.stderr.write(`${renderText(diagnostic)}\n`);
    }
    process.exitCode = code;
    throw new Errors.ExitError(code);
  }
}

/** What a file-system error code means for the person at the keyboard. */
const FILE_SYSTEM_PROBLEMS: Record<string, string> = {
  ENOTDIR: 'a file is in the way where a folder is needed',
  EISDIR: 'it is a folder where a file is needed',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the path is too long',
  ENOENT: 'it does not exist',
  EMFILE: 'too many open files',
};

/**
 * A file-system error that reaches the top is a problem of the machine (a file where $GITPERF_HOME
 * should be, a full disk, a read-only folder), not a bug: say which path and what is wrong with it.
 */
export function fileSystemProblem(err: Error & { code?: unknown; path?: unknown }): Diagnostic | undefined {
  const code = typeof err.code === 'string' ? err.code : undefined;
  const what = code ? FILE_SYSTEM_PROBLEMS[code] : undefined;
  if (!code || !what || typeof err.path !== 'string') return undefined;
  const home = process.env.GITPERF_HOME;
  const hint =
    home && err.path.startsWith(home)
      ? `; $GITPERF_HOME is ${home}: point it at a folder gitperf may write (or unset it for ~/.gitperf)`
      : '';
  return {
    code: `fs.${code.toLowerCase()}`,
    message: `cannot use ${err.path}: ${what}${hint}`,
    severity: 'error',
  };
}
