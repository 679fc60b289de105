import { GitperfError } from '../../cli/src/diagnostics/diagnostic.js';

/** The diagnostic code a promise rejects with; fails the test when it resolves or throws something else. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GitperfError) return e.diagnostic.code;
    throw e;
  }
  throw new Error('expected a GitperfError');
}
