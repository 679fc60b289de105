// The leaderboard of a benchmark that keeps results encrypted (leaderboard/decrypt.ts): the committee's
// identity opens the sealed results and the board ranks them as plain ones; without it (or with another
// reader's identity) they stay "encrypted, not readable", left out of every number, never an error.
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBoard } from '../../cli/src/leaderboard/board.js';
import { type BenchmarkInput, collectBenchmarks } from '../../cli/src/leaderboard/collect.js';
import { decryptLeaderboardInputs } from '../../cli/src/leaderboard/decrypt.js';
import { FsFileSource } from '../../cli/src/registry/file-source.js';
import { loadRegistry } from '../../cli/src/registry/loader.js';
import { RegistryIndex } from '../../cli/src/registry/registry-index.js';
import { encryptMeasurements, type JsonValue } from '../../cli/src/trust/index.js';

const registryDir = join(import.meta.dirname, '..', '..', 'registry');
let plain: BenchmarkInput;
let sealed: BenchmarkInput;
let committee: string;
let stranger: string;

beforeAll(async () => {
  const loaded = await loadRegistry(new FsFileSource(registryDir, 'registry'));
  [plain] = collectBenchmarks(new RegistryIndex(loaded.entities));
  committee = await generateX25519Identity();
  stranger = await generateX25519Identity();
  const recipient = await identityToRecipient(committee);
  // The example's results, sealed as the demo's runners seal them (metrics and statistics out of the envelope).
  const results = await Promise.all(
    plain.results.map(async (cell) => {
      const { ciphertext, measurementsSha256 } = await encryptMeasurements(
        {
          metrics: { ...cell.metrics },
          ...(cell.stats ? { sufficientStatistics: cell.stats as unknown as JsonValue } : {}),
        },
        [recipient],
      );
      const { stats: _stats, ...rest } = cell;
      return { ...rest, metrics: {}, encrypted: true, sealed: { ciphertext, measurementsSha256 } };
    }),
  );
  sealed = { ...plain, results };
});

describe('leaderboard of encrypted results', () => {
  it("with the committee's identity, the board is the one the plain results give", async () => {
    const opened = await decryptLeaderboardInputs([sealed], [committee]);
    expect(opened).toMatchObject({ opened: plain.results.length, unreadable: 0 });
    const board = buildBoard(opened.benchmarks[0], { view: 'participants' });
    expect(JSON.parse(JSON.stringify(board))).toEqual(
      JSON.parse(JSON.stringify(buildBoard(plain, { view: 'participants' }))),
    );
  });

  it('without an identity that opens them, every result is encrypted, not readable, and left out', async () => {
    for (const identities of [[], [stranger]]) {
      const read = await decryptLeaderboardInputs([sealed], identities);
      expect(read.opened).toBe(0);
      const board = buildBoard(read.benchmarks[0], { view: 'participants' });
      expect(board.notes.map((n) => n.code)).toContain('leaderboard.encrypted-results');
      expect(board.notes.find((n) => n.code === 'leaderboard.encrypted-results')?.message).toContain(
        'encrypted, not readable with the given identities',
      );
      expect(board.status).toBe('unranked');
      expect(board.models.every((model) => model.rank === undefined)).toBe(true);
    }
  });

  it('a ciphertext whose digest is not the envelope’s is an error, not a number', async () => {
    const swapped = structuredClone(sealed);
    const [first, second] = swapped.results;
    if (first.sealed && second.sealed) first.sealed.measurementsSha256 = second.sealed.measurementsSha256;
    await expect(decryptLeaderboardInputs([swapped], [committee])).rejects.toThrow(
      /does not belong to this result/,
    );
  });
});
