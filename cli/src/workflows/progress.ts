/**
 * Progress of long steps: a self-rewriting line on a terminal, plain lines otherwise (CI logs, pipes),
 * nothing at all when the command prints JSON. Always on stderr, so stdout stays the command's result.
 */
export interface Progress {
  /** A step starts (e.g. "prepare (ana/bc-prep)"). */
  step(label: string): void;
  /** Fraction done of the current step, 0..1, with an optional detail. */
  update(fraction: number, detail?: string): void;
  /** The current step ended. */
  done(label: string, ok: boolean, detail?: string): void;
  /** A line to show regardless of the step (a warning, a note). */
  note(message: string): void;
}

export const silentProgress: Progress = {
  step() {},
  update() {},
  done() {},
  note() {},
};

export function consoleProgress(
  stream: NodeJS.WriteStream = process.stderr,
  isTty: boolean = Boolean(stream.isTTY) && !process.env.CI,
): Progress {
  let current = '';
  let lastPlain = -1;
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    step(label) {
      current = label;
      lastPlain = -1;
      if (isTty) {
        clear();
        stream.write(`… ${label}`);
        drawn = true;
      } else stream.write(`${label} ...\n`);
    },
    update(fraction, detail) {
      const pct = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
      if (isTty) {
        clear();
        stream.write(`… ${current} ${pct}%${detail ? ` ${detail}` : ''}`);
        drawn = true;
      } else if (Math.floor(pct / 25) > lastPlain) {
        // Plain logs get a line per quarter, not a flood.
        lastPlain = Math.floor(pct / 25);
        stream.write(`${current} ${pct}%${detail ? ` ${detail}` : ''}\n`);
      }
    },
    done(label, ok, detail) {
      clear();
      stream.write(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? ` (${detail})` : ''}\n`);
    },
    note(message) {
      clear();
      stream.write(`${message}\n`);
    },
  };
}
