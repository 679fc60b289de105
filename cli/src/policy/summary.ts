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
  for (const requirement of reqs) {
    const key = requirement.who.join(' ');
    const group = groups.get(key) ?? { who: requirement.who, files: [] };
    group.files.push(requirement);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export function renderDecisionText(decision: Decision): string {
  const out = [
    `policy: ${decision.status} — ${HEADLINE[decision.status]} (${decision.changes.length} changed file(s), author @${decision.author})`,
  ];
  for (const announcement of decision.announcements)
    out.push(`  ${announcement.file}: announced: ${announcement.message}`);
  for (const violation of decision.violations) out.push(`  ${renderText(violation)}`);
  for (const requirement of decision.required)
    out.push(`  ${requirement.file}: pending ${requirement.code} ${requirement.why}`);
  for (const approval of decision.approved)
    out.push(`  ${approval.file}: approved by ${formatWho(approval.by).replace(' or ', ', ')}`);
  if (decision.staleApprovals.length > 0) {
    out.push(
      `  note: approval(s) by ${formatWho(decision.staleApprovals).replace(' or ', ', ')} were given on an older commit and no longer count; they must approve the current head again`,
    );
  }
  for (const uncounted of decision.uncountedReviews ?? []) out.push(`  note: ${uncounted.why}`);
  return out.join('\n');
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderSummaryMarkdown(decision: Decision): string {
  const icon = { pass: '✅', pending: '⏳', fail: '❌' }[decision.status];
  const out: string[] = [
    `## ${icon} gitperf policy: ${decision.status}`,
    '',
    `${HEADLINE[decision.status]}. Author: @${decision.author}, head \`${decision.headSha.slice(0, 12)}\`.`,
    '',
  ];
  if (decision.announcements.length > 0) {
    out.push('### Announced', '');
    for (const announcement of decision.announcements)
      out.push(`- \`${announcement.file}\`: ${md(announcement.message)}`);
    out.push('');
  }
  if (decision.violations.length > 0) {
    out.push('### Violations', '', '| file | line | rule | what to do |', '|---|---|---|---|');
    for (const violation of decision.violations)
      out.push(
        `| ${md(violation.file ?? '')} | ${violation.line ?? ''} | \`${violation.code}\` | ${md(violation.message)} |`,
      );
    out.push('');
  }
  if (decision.required.length > 0) {
    out.push('### Approvals still needed', '');
    for (const group of groupRequirements(decision.required)) {
      out.push(`- **${formatWho(group.who)}** (any one of them, on the current head):`);
      for (const requirement of group.files) out.push(`  - \`${requirement.file}\`: ${md(requirement.why)}`);
    }
    out.push('');
  }
  if (decision.staleApprovals.length > 0) {
    out.push(
      `> Approvals by ${formatWho(decision.staleApprovals).replace(' or ', ' and ')} were given on an older commit; a new push needs new approvals.`,
      '',
    );
  }
  for (const uncounted of decision.uncountedReviews ?? []) out.push(`> ${md(uncounted.why)}`, '');
  if (decision.approved.length > 0) {
    out.push('### Approvals given', '');
    for (const approval of decision.approved)
      out.push(`- \`${approval.file}\`: ${approval.code} by ${approval.by.map((b) => `@${b}`).join(', ')}`);
    out.push('');
  }
  out.push(
    '<details><summary>Changed files</summary>',
    '',
    '| file | kind | change | fields |',
    '|---|---|---|---|',
  );
  for (const change of decision.changes)
    out.push(`| ${md(change.path)} | ${change.kind} | ${change.action} | ${md(change.fields.join(', '))} |`);
  out.push('', '</details>', '');
  return out.join('\n');
}
