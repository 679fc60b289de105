/** `leaderboard show`: the same boards as the site, as terminal text, Markdown, or JSON. */
import { BOARD_SCHEMA, type Board, type ModelRow, unsignedFlag, type View } from './board.js';
import { fmt } from './html.js';
import { scopeTitle } from './participants.js';

export type ShowFormat = 'text' | 'md' | 'json';

/** The JSON document `leaderboard show --format json` prints (shape documented in the README). */
export interface LeaderboardDocument {
  schema: typeof BOARD_SCHEMA;
  view: View;
  benchmarks: Board[];
}

export function leaderboardDocument(boards: Board[], view: View): LeaderboardDocument {
  return { schema: BOARD_SCHEMA, view, benchmarks: boards };
}

function columns(board: Board): string[] {
  return [
    'rank',
    'model',
    board.primaryMetric,
    '95% interval',
    'sites',
    'cases',
    ...(board.level === 'aggregate' ? [] : ['site min/median/max']),
    'flags',
  ];
}

function cells(board: Board, model: ModelRow): string[] {
  const primary = model.primary;
  const unsigned = unsignedFlag(model.provenance);
  const flags = [
    ...(model.suppressed ? [`suppressed (${model.suppressed})`] : []),
    ...(model.partial ? [`partial: ${model.partial.what.join('; ')}`] : []),
    ...(unsigned ? [unsigned] : []),
    ...model.notes,
  ];
  return [
    model.rank === undefined ? '-' : String(model.rank),
    model.model,
    model.suppressed ? 'suppressed' : fmt(primary?.value),
    primary?.low === undefined ? '-' : `${fmt(primary.low)}-${fmt(primary.high)}`,
    String(model.sites),
    model.suppressed ? '-' : String(model.cases),
    ...(board.level === 'aggregate'
      ? []
      : [
          model.spread
            ? `${fmt(model.spread.min)}/${fmt(model.spread.median)}/${fmt(model.spread.max)}`
            : '-',
        ]),
    flags.join('; ') || '',
  ];
}

function heading(board: Board): string {
  const method = board.models.find((m) => m.primary)?.primary;
  return `${board.benchmark}${board.scope ? ` — ${scopeTitle(board.scope)}` : ''}: ranked by ${board.primaryMetric} (${board.higherIsBetter ? 'higher' : 'lower'} is better${
    method ? `; ${method.methodLabel}, ${method.intervalLabel}` : ''
  }), sharing ${board.level}, models: ${board.selection}${board.hiddenModels ? ` (+${board.hiddenModels} not listed)` : ''}`;
}

function textBoard(board: Board): string {
  const header = columns(board);
  const rows = board.models.map((m) => cells(board, m));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (rowCells: string[]) =>
    rowCells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    heading(board),
    ...(rows.length ? [line(header), ...rows.map(line)] : []),
    ...board.notes.map((n) => `note: ${n.message}`),
  ].join('\n');
}

const mdEscape = (s: string) => s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);

function mdBoard(board: Board): string {
  const header = columns(board);
  const rows = board.models.map((m) => cells(board, m));
  return [
    `### ${mdEscape(board.benchmark)}`,
    '',
    mdEscape(heading(board)),
    '',
    ...(rows.length
      ? [
          `| ${header.map(mdEscape).join(' | ')} |`,
          `| ${header.map(() => '---').join(' | ')} |`,
          ...rows.map((r) => `| ${r.map(mdEscape).join(' | ')} |`),
          '',
        ]
      : []),
    ...board.notes.map((n) => `> ${mdEscape(n.message)}`),
  ].join('\n');
}

export function renderBoards(boards: Board[], view: View, format: ShowFormat): string {
  if (format === 'json') return `${JSON.stringify(leaderboardDocument(boards, view), null, 2)}\n`;
  if (!boards.length) return 'no benchmarks in the registry\n';
  const render = format === 'md' ? mdBoard : textBoard;
  return `${boards.map(render).join('\n\n')}\n`;
}
