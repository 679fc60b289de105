import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { consoleProgress } from '../../cli/src/workflows/progress.js';

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

describe('progress', () => {
  it('writes plain lines when not on a terminal, at most one per quarter', () => {
    const c = capture();
    const p = consoleProgress(c.stream, false);
    p.step('infer (lee/bc-centroid)');
    for (let i = 0; i <= 100; i++) p.update(i / 100);
    p.done('infer (lee/bc-centroid)', true, '0.3 s');
    expect(c.text()).toBe(
      [
        'infer (lee/bc-centroid) ...',
        'infer (lee/bc-centroid) 0%',
        'infer (lee/bc-centroid) 25%',
        'infer (lee/bc-centroid) 50%',
        'infer (lee/bc-centroid) 75%',
        'infer (lee/bc-centroid) 100%',
        'ok   infer (lee/bc-centroid) (0.3 s)',
        '',
      ].join('\n'),
    );
    expect(c.text()).not.toContain('\r');
  });

  it('rewrites one line on a terminal and ends it with the outcome', () => {
    const c = capture();
    const p = consoleProgress(c.stream, true);
    p.step('prepare (ana/bc-prep)');
    p.update(0.5, '65/130');
    p.done('prepare (ana/bc-prep)', false);
    expect(c.text()).toBe(
      '… prepare (ana/bc-prep)\r\x1b[2K… prepare (ana/bc-prep) 50% 65/130\r\x1b[2KFAIL prepare (ana/bc-prep)\n',
    );
  });
});
