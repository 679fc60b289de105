/**
 * oclif's `command_not_found` hook: `gitperf help [TOPIC]` shows help (there is no help plugin), and a
 * mistyped command is a usage error (exit 2, like every other) named the way it was typed, with the
 * closest command as a suggestion, instead of oclif's "command benchmark:rnu not found" (exit 1).
 */
import { Help, type Hook } from '@oclif/core';
import { error } from '../diagnostics/diagnostic.js';
import { renderText } from '../diagnostics/render.js';

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
export function editDistance(from: string, to: string): number {
  let previous = Array.from({ length: to.length + 1 }, (_, index) => index);
  for (let row = 1; row <= from.length; row++) {
    const current = [row];
    for (let column = 1; column <= to.length; column++) {
      const substitution = previous[column - 1] + (from[row - 1] === to[column - 1] ? 0 : 1);
      current.push(Math.min(previous[column] + 1, current[column - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[to.length];
}

/** The known command closest to what was typed, when it is close enough to be a typo. */
export function closestCommand(typed: string, commands: string[]): string | undefined {
  let best: { command: string; distance: number } | undefined;
  for (const command of commands) {
    const distance = editDistance(typed, command);
    if (!best || distance < best.distance) best = { command, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? best.command : undefined;
}

const hook: Hook.CommandNotFound = async function (options) {
  const words = options.id.split(':');
  if (words[0] === 'help') {
    await new Help(options.config).showHelp([...words.slice(1), ...(options.argv ?? [])]);
    return;
  }
  const typed = words.join(' ');
  // Topics too: "benchmrk" is closest to the topic "benchmark", not to any one command.
  const commands = [...options.config.commandIDs, ...options.config.topics.map((topic) => topic.name)].map(
    (id) => id.replaceAll(':', ' '),
  );
  const suggestion = closestCommand(typed, commands);
  const message =
    `"gitperf ${typed}" is not a command` +
    (suggestion ? `; did you mean "gitperf ${suggestion}"?` : '') +
    ' (`gitperf --help` lists the commands)';
  process.stderr.write(`${renderText(error('command.unknown', message))}\n`);
  this.exit(2);
};

export default hook;
