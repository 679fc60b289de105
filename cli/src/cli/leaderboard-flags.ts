/** The flags the leaderboard commands share. */
import { Flags } from '@oclif/core';
import type { View } from '../leaderboard/board.js';

export const viewFlag = Flags.custom<View>({
  description:
    "public: what each benchmark's sharing level allows; participants: its participants level (for the participants, not the public)",
  options: ['public', 'participants'],
  default: 'public',
})();
