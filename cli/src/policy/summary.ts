/** A decision for people: plain text for terminals, Markdown for `$GITHUB_STEP_SUMMARY` and PR comments. */
import { renderText } from '../diagnostics/render.js';
import { formatWho } from './rules/index.js';
import type { Decision, Requirement } from './types.js';

const HEADLINE: Record<Decision['status'], string> = {
  pass: 'may merge: every rule holds and every needed approval is given',
  pending: 'waiting for approvals',
  fail: 'cannot merge: some changes break the registry rules',
};

function groupRequirements(reqs: readonly Requirement[]): Array<{ who: string[]; files: Requirement[] }> {
  const groups = new Map<string, { who: string[]; files: Requirement[] }>();
  for (const r of reqs) {
    const key = r.who.join(' ');
    const g = groups.get(key) ?? { who: r.who, files: [] };
    g.files.push(r);
    groups.set(key, g);
  }
  return [...groups.values()];
}

export function renderDecisionText(d: Decision): string {
  const out = [
    `policy: ${d.status} — ${HEADLINE[d.status]} (${d.changes.length} changed file(s), author @${d.author})`,
  ];
  for (const a of d.announcements) out.push(`  ${a.file}: announced: ${a.message}`);
  for (const v of d.violations) out.push(`  ${renderText(v)}`);
  for (const r of d.required) out.push(`  ${r.file}: pending ${r.code} ${r.why}`);
  for (const a of d.approved) out.push(`  ${a.file}: approved by ${formatWho(a.by).replace(' or ', ', ')}`);
  if (d.staleApprovals.length > 0) {
    out.push(
      `  note: approval(s) by ${formatWho(d.staleApprovals).replace(' or ', ', ')} were given on an older commit and no longer count; they must approve the current head again`,
    );
  }
  for (const u of d.uncountedReviews ?? []) out.push(`  note: ${u.why}`);
  return out.join('\n');
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderSummaryMarkdown(d: Decision): string {
  const icon = { pass: '✅', pending: '⏳', fail: '❌' }[d.status];
  const out: string[] = [
    `## ${icon} gitperf policy: ${d.status}`,
    '',
    `${HEADLINE[d.status]}. Author: @${d.author}, head \`${d.headSha.slice(0, 12)}\`.`,
    '',
  ];
  if (d.announcements.length > 0) {
    out.push('### Announced', '');
    for (const a of d.announcements) out.push(`- \`${a.file}\`: ${md(a.message)}`);
    out.push('');
  }
  if (d.violations.length > 0) {
    out.push('### Violations', '', '| file | line | rule | what to do |', '|---|---|---|---|');
    for (const v of d.violations)
      out.push(`| ${md(v.file ?? '')} | ${v.line ?? ''} | \`${v.code}\` | ${md(v.message)} |`);
    out.push('');
  }
  if (d.required.length > 0) {
    out.push('### Approvals still needed', '');
    for (const g of groupRequirements(d.required)) {
      out.push(`- **${formatWho(g.who)}** (any one of them, on the current head):`);
      for (const r of g.files) out.push(`  - \`${r.file}\`: ${md(r.why)}`);
    }
    out.push('');
  }
  if (d.staleApprovals.length > 0) {
    out.push(
      `> Approvals by ${formatWho(d.staleApprovals).replace(' or ', ' and ')} were given on an older commit; a new push needs new approvals.`,
      '',
    );
  }
  for (const u of d.uncountedReviews ?? []) out.push(`> ${md(u.why)}`, '');
  if (d.approved.length > 0) {
    out.push('### Approvals given', '');
    for (const a of d.approved)
      out.push(`- \`${a.file}\`: ${a.code} by ${a.by.map((b) => `@${b}`).join(', ')}`);
    out.push('');
  }
  out.push(
    '<details><summary>Changed files</summary>',
    '',
    '| file | kind | change | fields |',
    '|---|---|---|---|',
  );
  for (const c of d.changes)
    out.push(`| ${md(c.path)} | ${c.kind} | ${c.action} | ${md(c.fields.join(', '))} |`);
  out.push('', '</details>', '');
  return out.join('\n');
}
