/**
 * A forest plot as inline SVG: one row per model, its point estimate and interval on a shared axis.
 * Small enough to own (no charting library at build time, nothing at view time); the caller supplies
 * the text alternative, which `<title>` and `<desc>` carry for screen readers.
 */
import { escapeXml } from './escape.js';

export interface ForestRow {
  label: string;
  value?: number;
  low?: number;
  high?: number;
}

export interface ForestOptions {
  id: string;
  title: string;
  /** The text alternative: every row's numbers in words. */
  description: string;
  /** Axis range; default: the rows' range widened to tenths, within [0, 1] for proportions. */
  domain?: [number, number];
}

const LABEL_WIDTH = 220;
const PLOT_WIDTH = 420;
const ROW_HEIGHT = 24;
const TOP = 8;
const AXIS_HEIGHT = 30;

function niceDomain(rows: readonly ForestRow[]): [number, number] {
  const values = rows.flatMap((r) => [r.low, r.value, r.high]).filter((v): v is number => v !== undefined);
  if (values.length === 0) return [0, 1];
  let low = Math.floor(Math.min(...values) * 10) / 10;
  let high = Math.ceil(Math.max(...values) * 10) / 10;
  if (Math.min(...values) >= 0 && Math.max(...values) <= 1) {
    low = Math.max(0, low);
    high = Math.min(1, high);
  }
  if (high <= low) high = low + 0.1;
  return [low, high];
}

const fmt = (v: number) => (Math.round(v * 1000) / 1000).toString();

export function forestPlot(rows: readonly ForestRow[], opts: ForestOptions): string {
  const [low, high] = opts.domain ?? niceDomain(rows);
  const xOf = (v: number) => LABEL_WIDTH + ((v - low) / (high - low)) * PLOT_WIDTH;
  const width = LABEL_WIDTH + PLOT_WIDTH + 20;
  const height = TOP + rows.length * ROW_HEIGHT + AXIS_HEIGHT;
  const axisY = TOP + rows.length * ROW_HEIGHT + 4;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${opts.id}-title ${opts.id}-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" class="forest">`,
    `<title id="${opts.id}-title">${escapeXml(opts.title)}</title>`,
    `<desc id="${opts.id}-desc">${escapeXml(opts.description)}</desc>`,
  );
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const tickValue = low + ((high - low) * i) / ticks;
    const tx = xOf(tickValue).toFixed(1);
    parts.push(
      `<line x1="${tx}" x2="${tx}" y1="${TOP}" y2="${axisY}" class="grid"/>`,
      `<text x="${tx}" y="${axisY + 16}" text-anchor="middle">${fmt(tickValue)}</text>`,
    );
  }
  rows.forEach((row, i) => {
    const rowY = TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2;
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${rowY + 4}" text-anchor="end">${escapeXml(row.label)}</text>`,
    );
    if (row.low !== undefined && row.high !== undefined)
      parts.push(
        `<line x1="${xOf(row.low).toFixed(1)}" x2="${xOf(row.high).toFixed(1)}" y1="${rowY}" y2="${rowY}" class="ci"/>`,
      );
    if (row.value !== undefined)
      parts.push(
        `<rect x="${(xOf(row.value) - 4).toFixed(1)}" y="${rowY - 4}" width="8" height="8" class="point"/>`,
      );
    else parts.push(`<text x="${LABEL_WIDTH + 4}" y="${rowY + 4}" class="na">no value</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
