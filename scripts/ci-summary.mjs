#!/usr/bin/env node
// Reads vitest's JSON report and prints the plain `N passed, N failed` line CI reads.
// A missing report (build, type-check or lint failed before vitest ran) counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

const [file = '.vitest-report.json', statusArg = '0'] = process.argv.slice(2);
const status = Number(statusArg);
if (!existsSync(file)) {
  console.log('0 passed, 1 failed');
  console.error(`no vitest report at ${file}: the build, type-check or lint step failed (exit ${status})`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const passed = report.numPassedTests ?? 0;
// Suites that failed to load count as failures too, so a broken import never looks green.
const brokenFiles = (report.testResults ?? []).filter(
  (s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed'),
).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (passed === 0) console.error('vitest ran no test');
process.exit(failed > 0 || passed === 0 || status !== 0 ? 1 : 0);
