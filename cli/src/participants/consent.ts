/**
 * Consent before anything leaves the data owner's machine: the exact content is shown, then a yes/no
 * question. `-y` answers yes in advance; without a terminal (or with --json) and without `-y` the
 * command refuses rather than assuming consent.
 */
import { createInterface } from 'node:readline/promises';
import { fail } from '../diagnostics/diagnostic.js';

/** Shows `what` (the content about to be published) and asks `question`; resolves to the answer. */
export type Consent = (what: string, question: string) => Promise<boolean>;

/** Consent given in advance (`-y`, or the demo acting for a hospital that agreed); still shows what leaves. */
export function givenConsent(show: (text: string) => void = () => {}): Consent {
  return async (what) => {
    show(what);
    return true;
  };
}

/** Interactive consent on the terminal; refuses to guess when there is no terminal. */
export function terminalConsent(
  opts: {
    yes?: boolean;
    json?: boolean;
    out?: NodeJS.WritableStream;
    /** The terminal answers come from (default: standard input). */
    input?: NodeJS.ReadableStream & { isTTY?: boolean };
  } = {},
): Consent {
  const out = opts.out ?? process.stderr;
  const input = opts.input ?? process.stdin;
  return async (what, question) => {
    if (opts.yes) {
      if (!opts.json) out.write(`${what}\n`);
      return true;
    }
    if (opts.json || !input.isTTY)
      fail(
        'consent.required',
        'this sends data about your dataset to the registry and needs your consent; run it in a terminal to answer, or pass -y after reviewing what it sends',
        {},
        2,
      );
    out.write(`${what}\n`);
    const rl = createInterface({ input, output: out, terminal: true });
    // Ctrl-C (or Ctrl-D) at the question is a refusal, said as such, never "a bug in gitperf".
    const interrupted = new AbortController();
    rl.once('SIGINT', () => interrupted.abort());
    rl.once('close', () => interrupted.abort());
    let answer: string;
    try {
      answer = (await rl.question(`${question} [y/N] `, { signal: interrupted.signal })).trim().toLowerCase();
    } catch {
      out.write('\n');
      return fail('consent.interrupted', 'interrupted at the consent question: nothing was sent', {}, 130);
    } finally {
      rl.close();
    }
    return answer === 'y' || answer === 'yes';
  };
}

/** Fails with a clean message when consent was refused. */
export function requireConsent(given: boolean): void {
  if (!given) fail('consent.refused', 'nothing was sent: you did not consent', {}, 1);
}
