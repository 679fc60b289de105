import { randomBytes } from 'node:crypto';
import type { Diagnostic } from './diagnostic.js';
import { printable } from './terminal-text.js';

export type OutputFormat = 'text' | 'github' | 'json';

function where(diagnostic: Diagnostic): string {
  if (!diagnostic.file) return '';
  let location = diagnostic.file;
  if (diagnostic.line !== undefined) location += `:${diagnostic.line}`;
  if (diagnostic.line !== undefined && diagnostic.column !== undefined) location += `:${diagnostic.column}`;
  return `${location}: `;
}

/** `path:line:col: error CODE message`, the shape compilers and editors understand. */
export function renderText(diagnostic: Diagnostic): string {
  // Messages quote registry and forge text: never let it drive the terminal.
  return printable(`${where(diagnostic)}${diagnostic.severity} ${diagnostic.code} ${diagnostic.message}`);
}

// GitHub workflow commands need %, CR and LF escaped in the message, and also , and : in properties.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=…,line=…,col=…,title=CODE::message` */
export function renderGithub(diagnostic: Diagnostic): string {
  const props: string[] = [];
  if (diagnostic.file) props.push(`file=${escapeProperty(diagnostic.file)}`);
  if (diagnostic.line !== undefined) props.push(`line=${diagnostic.line}`);
  if (diagnostic.column !== undefined) props.push(`col=${diagnostic.column}`);
  props.push(`title=${escapeProperty(diagnostic.code)}`);
  return `::${diagnostic.severity} ${props.join(',')}::${escapeData(diagnostic.message)}`;
}

/**
 * Free text for a GitHub Actions log that may quote a pull request (file paths, titles): shown with control
 * characters escaped and between `::stop-commands::` markers with a one-time token, so a line in it that
 * starts with `::` is printed instead of run as a workflow command (GitHub's own advice for untrusted output).
 */
export function githubUntrustedText(text: string): string {
  const token = randomBytes(16).toString('hex');
  return `::stop-commands::${token}\n${printable(text)}\n::${token}::`;
}

export function renderDiagnostic(diagnostic: Diagnostic, format: Exclude<OutputFormat, 'json'>): string {
  return format === 'github' ? renderGithub(diagnostic) : renderText(diagnostic);
}

/** The JSON form used by every `--json` output: no severity-less or position-less surprises. */
export function toJson(diagnostic: Diagnostic): Record<string, unknown> {
  return {
    code: diagnostic.code,
    message: diagnostic.message,
    severity: diagnostic.severity,
    file: diagnostic.file ?? null,
    line: diagnostic.line ?? null,
    column: diagnostic.column ?? null,
  };
}
