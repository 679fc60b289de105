/**
 * Text from forges and registry files (titles, bodies, names, messages) reaches reviewers' terminals.
 * Control characters in it could rewrite the screen (ESC sequences), hide a line (CR) or reorder what is
 * shown (Unicode bidi overrides), so text output shows them as visible escapes instead. JSON output keeps
 * the exact value (JSON escapes control characters itself).
 */

// C0 controls but tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate characters.
// Matching control characters is the point here, which Biome's rule cannot know.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to escape
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character shown as `\xNN` or `\u{NNNN}`; tabs and newlines kept. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => {
    const code = character.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
