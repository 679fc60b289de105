/**
 * Errors are values with a stable code, a message and a place. Two ways to deliver them (README.md in
 * this folder says which modules use which): checkers that find many problems at once return lists
 * of Diagnostics (the registry validator, the policy, the cube engine's `Outcome`); operations that
 * cannot go on `fail()`, which throws a GitperfError carrying one Diagnostic. The CLI renders both
 * from this one shape: text, `--json`, or GitHub annotations.
 */
export type Severity = 'error' | 'warning' | 'notice';

export interface Diagnostic {
  /** Stable machine-readable code, e.g. `schema.required` or `ref.unresolved`. Never reworded. */
  code: string;
  /** One sentence a person understands: what is wrong and what to do. */
  message: string;
  severity: Severity;
  /** Path relative to the working directory (or the registry root), when the problem has a place. */
  file?: string;
  /** 1-based line and column. */
  line?: number;
  column?: number;
}

export function error(
  code: string,
  message: string,
  at: Partial<Pick<Diagnostic, 'file' | 'line' | 'column'>> = {},
): Diagnostic {
  return { code, message, severity: 'error', ...at };
}

export function warning(
  code: string,
  message: string,
  at: Partial<Pick<Diagnostic, 'file' | 'line' | 'column'>> = {},
): Diagnostic {
  return { code, message, severity: 'warning', ...at };
}

/** Sort by file, then line, then column, then code, so output is stable across runs. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

/**
 * A failure that carries a Diagnostic, thrown by `fail()` when an operation cannot go on. The base
 * command (cli/src/cli/base-command.ts) catches it and renders the diagnostic with its exit code
 * (1 for a failure, 2 for a usage error); callers that can carry on catch it and keep the diagnostic.
 */
export class GitperfError extends Error {
  readonly diagnostic: Diagnostic;
  readonly exitCode: number;
  constructor(diagnostic: Diagnostic, exitCode = 1) {
    super(diagnostic.message);
    this.name = 'GitperfError';
    this.diagnostic = diagnostic;
    this.exitCode = exitCode;
  }
}

export function fail(
  code: string,
  message: string,
  at: Partial<Pick<Diagnostic, 'file' | 'line' | 'column'>> = {},
  exitCode = 1,
): never {
  throw new GitperfError(error(code, message, at), exitCode);
}
