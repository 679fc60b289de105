import { Command, Errors } from '@oclif/core';
import { type Diagnostic, GitperfError } from '../diagnostics/diagnostic.js';
import { renderText, toJson } from '../diagnostics/render.js';

/**
 * Every gitperf command extends this. It gives `--json`, and turns failures into a rendered
 * Diagnostic with a deliberate exit code instead of a stack trace (set GITPERF_DEBUG=1 for one).
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  /** Print a diagnostic for people (stderr) unless --json is on. */
  protected report(d: Diagnostic): void {
    if (!this.jsonEnabled()) process.stderr.write(`${renderText(d)}\n`);
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (err instanceof GitperfError) return this.exitWith(err.diagnostic, err.exitCode);
    // oclif's own parse/usage errors keep their exit code (2) and their wording.
    if (err instanceof Errors.CLIError || (err as { oclif?: unknown }).oclif) return super.catch(err);
    if (process.env.GITPERF_DEBUG) throw err;
    const d: Diagnostic = {
      code: 'internal',
      message: `${err.message} (this is a bug in gitperf; rerun with GITPERF_DEBUG=1 for details)`,
      severity: 'error',
    };
    return this.exitWith(d, 1);
  }

  private exitWith(d: Diagnostic, code: number): never {
    if (this.jsonEnabled()) {
      process.stdout.write(`${JSON.stringify({ error: toJson(d) }, null, 2)}\n`);
    } else {
      process.stderr.write(`${renderText(d)}\n`);
    }
    process.exitCode = code;
    throw new Errors.ExitError(code);
  }
}
