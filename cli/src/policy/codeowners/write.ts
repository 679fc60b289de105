/** Writing and checking `.github/CODEOWNERS` in a checkout. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../../infra/atomic-write.js';
import { FolderView } from '../view.js';
import { codeownersInputFrom } from './from-registry.js';
import { CODEOWNERS_PATH, generateCodeowners } from './generate.js';

export interface CodeownersStatus {
  path: string;
  expected: string;
  /** null when the file does not exist. */
  actual: string | null;
  upToDate: boolean;
  bytes: number;
}

export function codeownersStatus(root: string): CodeownersStatus {
  const expected = generateCodeowners(codeownersInputFrom(new FolderView(root)));
  const path = join(root, CODEOWNERS_PATH);
  let actual: string | null = null;
  try {
    actual = readFileSync(path, 'utf8');
  } catch {}
  return { path, expected, actual, upToDate: actual === expected, bytes: Buffer.byteLength(expected) };
}

/** Writes atomically: a temp file in the same folder, then rename. */
export function writeCodeowners(root: string): CodeownersStatus {
  const status = codeownersStatus(root);
  if (!status.upToDate) {
    writeFileAtomicSync(status.path, status.expected);
  }
  return status;
}

/** A short line diff for people: what the committed file lacks (+) and has in excess (-). */
export function describeDiff(actual: string | null, expected: string, max = 40): string[] {
  if (actual === null) return [`+ (${CODEOWNERS_PATH} does not exist)`];
  const actualLines = actual.split('\n');
  const expectedLines = expected.split('\n');
  const inA = new Set(actualLines);
  const inE = new Set(expectedLines);
  const out: string[] = [];
  for (const line of actualLines) if (!inE.has(line)) out.push(`- ${line}`);
  for (const line of expectedLines) if (!inA.has(line)) out.push(`+ ${line}`);
  if (out.length === 0) out.push('  (same lines in a different order)');
  return out.length > max ? [...out.slice(0, max), `  … ${out.length - max} more`] : out;
}
