// An unsigned result (submitted by hand) is allowed and marked `unsigned` wherever the leaderboard shows its
// numbers: the JSON says `signed`, text and Markdown flag the row, the page marks the matrix cell and the
// provenance. The example registry's results are unsigned; one is signed here by a runner's key.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildBoard } from '../../cli/src/leaderboard/board.js';
import { collectBenchmarks } from '../../cli/src/leaderboard/collect.js';
import { benchmarkPage } from '../../cli/src/leaderboard/html.js';
import { readLeaderboardInputs } from '../../cli/src/leaderboard/read.js';
import { renderBoards } from '../../cli/src/leaderboard/text.js';
import { FsFileSource } from '../../cli/src/registry/file-source.js';
import { loadRegistry } from '../../cli/src/registry/loader.js';
import { RegistryIndex } from '../../cli/src/registry/registry-index.js';
import type { Result } from '../../cli/src/registry/types.generated.js';
import { generateEd25519KeyPair, signResult } from '../../cli/src/trust/index.js';
import { BENCH, editYaml, type Fixture, registryRepo } from './fixture.js';

const SIGNED = `benchmarks/${BENCH}/results/hospital-a/wdbc-a/ana.bc-logreg.yaml`;
let fx: Fixture;

beforeAll(() => {
  fx = registryRepo('gitperf-leaderboard-unsigned-');
  const file = join(fx.registry, SIGNED);
  const key = generateEd25519KeyPair();
  const result = parse(readFileSync(file, 'utf8')) as Result;
  result.spec.execution.runnerRef = 'hospital-a/runner-a';
  const signature = signResult(result, key);
  editYaml(file, (d) => {
    d.spec.execution.runnerRef = 'hospital-a/runner-a';
    d.spec.signature = signature;
  });
});
afterAll(() => rmSync(join(fx.root, '..'), { recursive: true, force: true }));

async function inputs() {
  const source = new FsFileSource(fx.registry);
  const [fromIndex] = collectBenchmarks(new RegistryIndex((await loadRegistry(source)).entities));
  const read = await readLeaderboardInputs(source);
  expect(read.benchmarks).toEqual([fromIndex]);
  return fromIndex;
}

describe('unsigned results on the leaderboard', () => {
  it('each result says whether it is signed, read from the index and from the files alike', async () => {
    const input = await inputs();
    expect(input.results.filter((r) => r.signed).map((r) => r.file)).toEqual([SIGNED]);
    expect(input.results.filter((r) => !r.signed)).toHaveLength(8);
  });

  it('JSON: provenance and matrix cells carry `signed`; text and Markdown flag the rows', async () => {
    const board = buildBoard(await inputs(), { view: 'participants' });
    const logreg = board.models.find((m) => m.model === 'ana/bc-logreg');
    const centroid = board.models.find((m) => m.model === 'lee/bc-centroid');
    expect(logreg?.provenance).toMatchObject({ signed: false, unsigned: 2, fileCount: 3 });
    expect(centroid?.provenance).toMatchObject({ signed: false, unsigned: 3, fileCount: 3 });
    const logregCells = board.matrix?.rows.find((r) => r.model === 'ana/bc-logreg')?.cells ?? [];
    expect(logregCells.map((c) => c.signed)).toEqual([true, false, false]);

    const json = JSON.parse(renderBoards([board], 'participants', 'json'));
    expect(
      json.benchmarks[0].models.map((m: { provenance: { signed: boolean } }) => m.provenance.signed),
    ).toEqual([false, false, false]);
    const text = renderBoards([board], 'participants', 'text');
    const logregLine = text.split('\n').find((l) => l.includes('ana/bc-logreg')) ?? '';
    expect(logregLine).toContain('unsigned: 2 of 3 results (submitted by hand, no runner signed it)');
    expect(text.split('\n').find((l) => l.includes('lee/bc-centroid'))).toContain('unsigned: 3 of 3 results');
    expect(renderBoards([board], 'participants', 'md')).toContain('unsigned: 2 of 3 results');
  });

  it('a row whose results are all signed carries no flag', async () => {
    const input = await inputs();
    const allSigned = { ...input, results: input.results.map((r) => ({ ...r, signed: true })) };
    const board = buildBoard(allSigned, { view: 'participants' });
    expect(board.models.every((m) => m.provenance.signed && m.provenance.unsigned === 0)).toBe(true);
    expect(renderBoards([board], 'participants', 'text')).not.toContain('unsigned');
    expect(benchmarkPage(board)).not.toContain('class="unsigned"');
  });

  it('the page marks each unsigned matrix cell and the provenance of each model', async () => {
    const board = buildBoard(await inputs(), { view: 'participants' });
    const page = benchmarkPage(board);
    const shown = board.matrix?.rows.flatMap((r) => r.cells).filter((c) => c.state === 'shown') ?? [];
    const unsignedShown = shown.filter((c) => c.signed === false).length;
    expect(unsignedShown).toBe(shown.length - 1);
    expect(page.match(/<small class="unsigned">unsigned<\/small>/g)).toHaveLength(unsignedShown);
    expect(page).toContain('ana/bc-logreg: 3 result file(s), <strong class="unsigned">2 unsigned</strong>');
  });
});
