/**
 * The static site's pages, rendered from Boards only (so a page cannot show more than its board).
 * Readable without JavaScript; a small inline script makes the tables sortable. Real table markup
 * (caption, th with scope), and the forest plot carries a text alternative.
 */
import { UNSIGNED, UNSIGNED_WHY } from '../registry/result-signed.js';
import { type Board, type MatrixCell, type MetricView, type ModelRow, unsignedFlag } from './board.js';
import { escapeXml as esc } from './escape.js';
import { scopeTitle } from './participants.js';
import { forestPlot } from './svg.js';

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;padding:.25rem 0}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;text-decoration:underline dotted}
th[aria-sort=ascending] button::after{content:" \\2191"}th[aria-sort=descending] button::after{content:" \\2193"}
.suppressed{color:#666;font-style:italic}.note{background:#fff6d6;border-left:4px solid #d9a400;padding:.5rem .75rem;margin:.5rem 0}
.matrix-wrap{overflow:auto;max-height:40rem}#matrix td{text-align:right;font-variant-numeric:tabular-nums}.forest text{font:12px system-ui,sans-serif}.forest .grid{stroke:#ddd}
.forest .ci{stroke:#1f4e99;stroke-width:2}.forest .point{fill:#1f4e99}.forest .na{fill:#666}code{font-size:.85em}`;

/**
 * Sorts any table[data-sortable] by a header's column: th[data-sort=num] by the cells' data-v (else
 * their text) as numbers, th[data-sort=text] by text; empty cells and "—" go last either way.
 */
const SORT_SCRIPT = `for(const t of document.querySelectorAll('table[data-sortable]')){const hs=[...t.tHead.rows[0].cells];
hs.forEach((th,i)=>{const kind=th.dataset.sort;if(!kind)return;const b=document.createElement('button');b.type='button';
b.append(...th.childNodes);th.append(b);b.addEventListener('click',()=>{const up=th.getAttribute('aria-sort')!=='ascending';
for(const h of hs)h.removeAttribute('aria-sort');th.setAttribute('aria-sort',up?'ascending':'descending');
const body=t.tBodies[0];const key=r=>{const c=r.cells[i];const s=(c.dataset.v??c.textContent).trim();if(s===''||s==='\u2014')return null;
if(kind==='num'){const v=parseFloat(s);return Number.isNaN(v)?null:v}return s};
const cmp=(a,b)=>typeof a==='number'?a-b:a.localeCompare(b);
const rows=[...body.rows].map(r=>[key(r),r]);rows.sort((a,b)=>a[0]===null?(b[0]===null?0:1):b[0]===null?-1:(up?1:-1)*cmp(a[0],b[0]));
body.append(...rows.map(r=>r[1]))})});t.dataset.sortReady=''}`;

export const fmt = (v: number | undefined, digits = 3): string => (v === undefined ? '—' : v.toFixed(digits));

function page(title: string, body: string, opts: { script: boolean }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body>${body}${opts.script ? `<script>${SORT_SCRIPT}</script>` : ''}</body></html>
`;
}

const LEVEL_WORDS: Record<Board['level'], string> = {
  aggregate: 'aggregate: one pooled number per model across all datasets',
  'per-model': 'per-model: pooled numbers and their spread across sites, no site named',
  full: 'full: the model × dataset matrix, sites named',
};

function interval(metric: MetricView | undefined): string {
  return metric?.low === undefined || metric.high === undefined
    ? '—'
    : `${fmt(metric.low)}–${fmt(metric.high)}`;
}

function notes(board: Board): string {
  if (!board.notes.length) return '';
  return `<section aria-labelledby="notes-h"><h2 id="notes-h">Notes</h2>${board.notes
    .map((n) => `<p class="note" data-code="${esc(n.code)}">${esc(n.message)}</p>`)
    .join('')}</section>`;
}

function rankingTable(board: Board): string {
  const spread = board.level !== 'aggregate';
  const metric = esc(board.primaryMetric);
  const method = board.models.find((m) => m.primary)?.primary;
  const head = [
    '<th scope="col" data-sort="num">Rank</th>',
    '<th scope="col" data-sort="text">Model</th>',
    `<th scope="col" data-sort="num">${metric}</th>`,
    '<th scope="col" data-sort="num">95% interval</th>',
    '<th scope="col" data-sort="num">Sites</th>',
    '<th scope="col" data-sort="num">Cases</th>',
    ...(spread
      ? [
          '<th scope="col" data-sort="num">Site min</th>',
          '<th scope="col" data-sort="num">Site median</th>',
          '<th scope="col" data-sort="num">Site max</th>',
        ]
      : []),
    '<th scope="col">Flags</th>',
  ].join('');
  const rows = board.models.map((m) => rankingRow(m, spread)).join('\n');
  const caption = `Ranking by ${metric} (${board.higherIsBetter ? 'higher' : 'lower'} is better)${
    method ? `: ${esc(method.methodLabel)}, ${esc(method.intervalLabel)} interval` : ''
  }`;
  return `<table data-sortable id="ranking"><caption>${caption}</caption><thead><tr>${head}</tr></thead><tbody>
${rows}</tbody></table>`;
}

function rankingRow(model: ModelRow, spread: boolean): string {
  const primary = model.primary;
  const flags: string[] = [];
  if (model.suppressed) flags.push(`suppressed: ${model.suppressed}`);
  if (model.partial) flags.push(`partial: ${model.partial.what.join('; ')}`);
  const unsigned = unsignedFlag(model.provenance);
  if (unsigned) flags.push(unsigned);
  flags.push(...model.notes);
  const cells = [
    `<td class="num">${model.rank ?? '—'}</td>`,
    `<th scope="row">${esc(model.model)}</th>`,
    model.suppressed
      ? '<td class="suppressed">suppressed</td>'
      : `<td class="num" data-v="${primary?.value ?? ''}">${fmt(primary?.value)}</td>`,
    `<td class="num" data-v="${primary?.low ?? ''}">${interval(primary)}</td>`,
    `<td class="num">${model.sites}</td>`,
    `<td class="num">${model.suppressed ? '—' : model.cases}</td>`,
    ...(spread
      ? [model.spread?.min, model.spread?.median, model.spread?.max].map(
          (v) => `<td class="num" data-v="${v ?? ''}">${fmt(v)}</td>`,
        )
      : []),
    `<td>${flags.map(esc).join('<br>')}</td>`,
  ];
  return `<tr>${cells.join('')}</tr>`;
}

function metricsTable(board: Board): string {
  const shown = board.models.filter((m) => m.metrics.length);
  if (!shown.length || !board.metricNames.length) return '';
  const methods = new Map<string, string>();
  for (const model of shown)
    for (const metric of model.metrics)
      methods.set(metric.name, `${metric.methodLabel}; ${metric.intervalLabel}`);
  const head = board.metricNames.map((n) => `<th scope="col" data-sort="num">${esc(n)}</th>`).join('');
  const rows = shown
    .map((model) => {
      const byName = new Map(model.metrics.map((x) => [x.name, x]));
      const cells = board.metricNames
        .map((metricName) => {
          const metric = byName.get(metricName);
          const ci = metric?.low === undefined ? '' : ` <small>(${interval(metric)})</small>`;
          return `<td class="num" data-v="${metric?.value ?? ''}">${fmt(metric?.value)}${ci}</td>`;
        })
        .join('');
      return `<tr><th scope="row">${esc(model.model)}</th>${cells}</tr>`;
    })
    .join('\n');
  const legend = [...methods]
    .map(([name, how]) => `<li><strong>${esc(name)}</strong>: ${esc(how)}</li>`)
    .join('');
  return `<section aria-labelledby="metrics-h"><h2 id="metrics-h">All pooled metrics</h2>
<table data-sortable id="metrics"><caption>Pooled metrics per model (95% intervals in brackets)</caption><thead><tr><th scope="col" data-sort="text">Model</th>${head}</tr></thead><tbody>
${rows}</tbody></table><ul>${legend}</ul></section>`;
}

function forest(board: Board): string {
  const rows = board.models
    .filter((m) => m.primary?.value !== undefined)
    .map((m) => ({ label: m.model, value: m.primary?.value, low: m.primary?.low, high: m.primary?.high }));
  if (!rows.length) return '';
  const description = rows
    .map(
      (row) =>
        `${row.label}: ${fmt(row.value)}${row.low === undefined ? '' : `, 95% interval ${fmt(row.low)} to ${fmt(row.high)}`}`,
    )
    .join('; ');
  const title = `Forest plot of the pooled ${board.primaryMetric} per model with 95% intervals`;
  return `<section aria-labelledby="forest-h"><h2 id="forest-h">Forest plot</h2><figure>${forestPlot(rows, {
    id: 'forest',
    title,
    description,
  })}<figcaption>${esc(title)}. ${esc(description)}.</figcaption></figure></section>`;
}

function matrixCell(cell: MatrixCell): string {
  switch (cell.state) {
    case 'shown': {
      // Kept short: a 300 x 30 matrix has 9,000 of these (n cases, merge commit).
      const title = cell.commit ? `n=${cell.cases} ${cell.commit.slice(0, 10)}` : `n=${cell.cases}`;
      // data-v keeps the column sortable by value when the cell also says `unsigned`.
      return cell.signed === false
        ? `<td title="${title}" data-v="${cell.value ?? ''}">${fmt(cell.value)}${cell.partial ? '*' : ''} <small class="unsigned">${UNSIGNED}</small></td>`
        : `<td title="${title}">${fmt(cell.value)}${cell.partial ? '*' : ''}</td>`;
    }
    case 'suppressed':
      return '<td class="suppressed">suppressed</td>';
    case 'no-statistics':
      return '<td class="suppressed">no counts</td>';
    case 'encrypted':
      return '<td class="suppressed" title="encrypted, not readable with the given identities">encrypted</td>';
    default:
      return '<td>—</td>';
  }
}

function matrixTable(board: Board): string {
  const mx = board.matrix;
  if (!mx) return '';
  const head = mx.rows.map((r) => `<th scope="col" data-sort="num">${esc(r.model)}</th>`).join('');
  const body = mx.datasets
    .map(
      (dataset, i) =>
        `<tr><th scope="row">${esc(dataset)}</th>${mx.rows.map((r) => matrixCell(r.cells[i])).join('')}</tr>`,
    )
    .join('\n');
  return `<section aria-labelledby="matrix-h"><h2 id="matrix-h">Model × dataset</h2>
<p>Each cell is the site's ${esc(mx.metric)} from its own counts; cells from fewer than ${board.minCasesPerCell} cases are suppressed; * marks a partial run; ${UNSIGNED} marks a result ${esc(UNSIGNED_WHY)}. A cell's result file is <code>benchmarks/${esc(board.benchmark)}/results/&lt;data owner&gt;/&lt;dataset&gt;/&lt;model owner&gt;.&lt;cube&gt;.yaml</code>; hover a cell for its cases (n) and the commit that merged it.</p>
<div class="matrix-wrap"><table data-sortable id="matrix"><caption>${esc(mx.metric)} per dataset (rows) and model (columns)</caption><thead><tr><th scope="col" data-sort="text">Dataset</th>${head}</tr></thead><tbody>
${body}</tbody></table></div></section>`;
}

function provenance(board: Board): string {
  if (!board.models.length) return '';
  const items = board.models
    .map((model) => {
      const provenance = model.provenance;
      const commits = provenance.commits.length
        ? provenance.commits.map((c) => `<code>${esc(c.slice(0, 12))}</code>`).join(', ')
        : 'not read from git';
      const cubes = provenance.cubes
        .map(
          (cube) =>
            `<li>${esc(cube.role)} <code>${esc(cube.ref)}</code> manifest <code>${esc(cube.manifest)}</code></li>`,
        )
        .join('');
      // Under full the matrix stands for the files (one per cell, path pattern above); the JSON lists them.
      const files =
        provenance.files && !board.matrix
          ? `<ul>${provenance.files.map((f) => `<li><code>${esc(f)}</code></li>`).join('')}</ul>`
          : provenance.files
            ? '<p>Result files: one per matrix cell (path pattern above; listed in the JSON).</p>'
            : '';
      const unsigned = provenance.unsigned
        ? `, <strong class="unsigned">${provenance.unsigned} ${UNSIGNED}</strong> (${esc(UNSIGNED_WHY)})`
        : ', all signed by their runners';
      return `<details><summary>${esc(model.model)}: ${provenance.fileCount} result file(s)${unsigned}</summary><p>Merge commits: ${commits}</p><ul>${cubes}</ul>${files}</details>`;
    })
    .join('\n');
  return `<section aria-labelledby="prov-h"><h2 id="prov-h">Provenance</h2><p>Every pooled number of a model comes from these result files, merged in these commits, produced by these cubes.</p>${items}</section>`;
}

/** The sections of one board (notes, ranking, plot, metrics, matrix, provenance). */
function boardSections(board: Board): string {
  const view = board.view === 'public' ? 'public leaderboard' : "participants' view";
  const summary = `<p>${esc(view)} · sharing <strong>${esc(LEVEL_WORDS[board.level])}</strong> · models listed: ${esc(board.selection)}${
    board.hiddenModels ? ` (${board.hiddenModels} more not listed)` : ''
  } · cells from fewer than ${board.minCasesPerCell} cases suppressed</p>`;
  return [
    summary,
    notes(board),
    board.models.length ? rankingTable(board) : '<p>No model can be listed yet.</p>',
    forest(board),
    metricsTable(board),
    matrixTable(board),
    provenance(board),
  ].join('\n');
}

export function benchmarkPage(board: Board): string {
  const body = [
    '<p><a href="../index.html">All benchmarks</a></p>',
    `<h1>${esc(board.benchmark)}</h1>`,
    board.description ? `<p>${esc(board.description)}</p>` : '',
    boardSections(board),
    `<p><a href="${esc(board.benchmark)}.json">This page as JSON</a></p>`,
  ].join('\n');
  return page(`${board.benchmark} — gitperf leaderboard`, body, { script: true });
}

/**
 * One participant's page: per benchmark the public board, then their own boards. Each board's element
 * ids get its number as a suffix, so several boards share one valid page (the sorting needs no ids).
 */
export function participantPage(login: string, boards: readonly Board[]): string {
  const parts = boards.map((board, i) => {
    const title = board.scope ? scopeTitle(board.scope) : 'public leaderboard';
    const sections = boardSections(board).replace(/\b(id|aria-labelledby)="([^"]+)"/g, `$1="$2-${i}"`);
    return `<section aria-labelledby="board-${i}" data-scope="${esc(board.scope?.role ?? 'public')}"><h2 id="board-${i}">${esc(board.benchmark)}: ${esc(title)}</h2>\n${sections}</section>`;
  });
  const title = `gitperf results for @${login}`;
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p>What @${esc(login)} may see: every benchmark's public leaderboard, and where the committee publishes the participants' view, the rows of @${esc(login)}'s own models and datasets at that level. Not for publication.</p>`,
    parts.length ? parts.join('\n') : '<p>No benchmark has results of yours yet.</p>',
  ].join('\n');
  return page(title, body, { script: true });
}

/** A benchmark's row in the index (kept with its page by the page cache, so the index needs no board). */
export function indexRow(board: Board): string {
  const best = board.models.find((m) => m.rank === 1);
  const status =
    board.status === 'ranked'
      ? 'ranked'
      : board.status === 'no-results'
        ? 'no results yet'
        : 'not ranked (see page)';
  return `<tr><th scope="row"><a href="benchmarks/${esc(board.benchmark)}.html">${esc(board.benchmark)}</a></th><td>${esc(status)}</td><td class="num">${board.models.length}</td><td>${best ? `${esc(best.model)} (${esc(board.primaryMetric)} ${fmt(best.primary?.value)})` : '—'}</td></tr>`;
}

/** The index: one row per benchmark (`indexRow`), in the order given. */
export function indexPage(rows: readonly string[], view: Board['view']): string {
  const title = view === 'public' ? 'gitperf leaderboard' : "gitperf results: participants' view";
  const body = `<h1>${esc(title)}</h1>
<table data-sortable id="benchmarks"><caption>Benchmarks</caption><thead><tr><th scope="col" data-sort="text">Benchmark</th><th scope="col" data-sort="text">Status</th><th scope="col" data-sort="num">Models listed</th><th scope="col">First</th></tr></thead><tbody>
${rows.join('\n')}</tbody></table>`;
  return page(title, body, { script: true });
}
