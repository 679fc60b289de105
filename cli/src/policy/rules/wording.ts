/** How the rules name people in messages. */

/** `@ada`, `@ada or @ben`, `@ada, @ben or @cy`. */
export function formatWho(who: readonly string[]): string {
  const mentions = who.map((login) => `@${login}`);
  if (mentions.length <= 1) return mentions.join('');
  return `${mentions.slice(0, -1).join(', ')} or ${mentions[mentions.length - 1]}`;
}

export const lowerCase = (text: string): string => text.toLowerCase();
