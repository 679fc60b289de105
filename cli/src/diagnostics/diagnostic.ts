/**
 * Errors are values. Every module that can reject input returns Diagnostics instead of throwing,
 * so the CLI can render them for people, as JSON, or as GitHub annotations from one source.
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
 * A failure that carries a Diagnostic. Thrown only across layers that cannot return a value
 * (oclif's run loop); the base command turns it back into a rendered diagnostic and an exit code.
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
