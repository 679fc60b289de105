import type { Diagnostic } from './diagnostic.js';
import { printable } from './terminal-text.js';

export type OutputFormat = 'text' | 'github' | 'json';

function where(d: Diagnostic): string {
  if (!d.file) return '';
  let s = d.file;
  if (d.line !== undefined) s += `:${d.line}`;
  if (d.line !== undefined && d.column !== undefined) s += `:${d.column}`;
  return `${s}: `;
}

/** `path:line:col: error CODE message`, the shape compilers and editors understand. */
export function renderText(d: Diagnostic): string {
  // Messages quote registry and forge text: never let it drive the terminal.
  return printable(`${where(d)}${d.severity} ${d.code} ${d.message}`);
}

// GitHub workflow commands need %, CR and LF escaped in the message, and also , and : in properties.
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=…,line=…,col=…,title=CODE::message` */
export function renderGithub(d: Diagnostic): string {
  const props: string[] = [];
  if (d.file) props.push(`file=${escapeProperty(d.file)}`);
  if (d.line !== undefined) props.push(`line=${d.line}`);
  if (d.column !== undefined) props.push(`col=${d.column}`);
  props.push(`title=${escapeProperty(d.code)}`);
  return `::${d.severity} ${props.join(',')}::${escapeData(d.message)}`;
}

export function renderDiagnostic(d: Diagnostic, format: Exclude<OutputFormat, 'json'>): string {
  return format === 'github' ? renderGithub(d) : renderText(d);
}

/** The JSON form used by every `--json` output: no severity-less or position-less surprises. */
export function toJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    message: d.message,
    severity: d.severity,
    file: d.file ?? null,
    line: d.line ?? null,
    column: d.column ?? null,
  };
}
