/** The `--view` flag of the leaderboard commands. */
import { Flags } from '@oclif/core';
import { fail } from '../diagnostics/diagnostic.js';
import type { View } from '../leaderboard/board.js';

export const viewFlag = Flags.string({
  description:
    "public: what each benchmark's sharing level allows; participants: its participants level (for the participants, not the public)",
  helpValue: 'public|participants',
  default: 'public',
});

/** Checked in run() rather than with `options`, so a bad value exits 2 like other usage errors. */
export function parseView(value: string): View {
  if (value !== 'public' && value !== 'participants')
    fail('leaderboard.usage', `--view must be public or participants (got ${value})`, {}, 2);
  return value;
}
