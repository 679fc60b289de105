/**
 * The leaderboard of a benchmark that keeps results encrypted is built by its committee: `leaderboard build
 * --identity FILE` (a workflow secret) opens each sealed result the identity is a recipient of, and the board
 * then applies the sharing policy to the numbers as to plain ones. A result the identities cannot open stays
 * `encrypted` (shown as not readable, left out of every number), never an error.
 */
import { openSealedMeasurements } from '../registry/result-encryption.js';
import type { SufficientStatistics } from '../registry/types.generated.js';
import type { BenchmarkInput, ResultCell } from './collect.js';

export interface DecryptedInputs {
  benchmarks: BenchmarkInput[];
  /** Results opened, and results left encrypted (no identity of the reader is among their recipients). */
  opened: number;
  unreadable: number;
}

/** The inputs with every result `identities` can open decrypted (new objects; the inputs are not changed). */
export async function decryptLeaderboardInputs(
  benchmarks: readonly BenchmarkInput[],
  identities: readonly string[],
): Promise<DecryptedInputs> {
  let opened = 0;
  let unreadable = 0;
  const open = async (cell: ResultCell): Promise<ResultCell> => {
    if (!cell.sealed) return cell;
    const measurements = await openSealedMeasurements(cell.sealed, identities, cell.file);
    if (!measurements) {
      unreadable++;
      return cell;
    }
    opened++;
    const { sealed: _sealed, ...rest } = cell;
    return {
      ...rest,
      metrics: measurements.metrics,
      encrypted: false,
      // The schema bounds sufficient statistics; what the runner encrypted had passed them (it signed it).
      ...(measurements.sufficientStatistics !== undefined
        ? { stats: measurements.sufficientStatistics as unknown as SufficientStatistics }
        : {}),
    };
  };
  const out = await Promise.all(
    benchmarks.map(async (b) => ({ ...b, results: await Promise.all(b.results.map(open)) })),
  );
  return { benchmarks: out, opened, unreadable };
}
