/**
 * Checks for text that comes from outside (files, command line, deep links). Control
 * characters (C0, DEL, C1) and invisible format characters such as the bidi override U+202E
 * can make what a person reads differ from what the program acts on, so they are refused.
 */
const controlOrFormat = /[\p{Cc}\p{Cf}]/u;

export function hasControlOrFormat(text: string): boolean {
  return controlOrFormat.test(text);
}

/**
 * `text` quoted for a message shown to a person or a log: invisible characters escaped,
 * long text cut, so a hostile value cannot forge or hide parts of the message.
 */
export function quote(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  const escaped = cut.replace(/[\p{Cc}\p{Cf}"\\]/gu, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\u{${c.codePointAt(0)!.toString(16)}}`));
  return `"${escaped}"`;
}
