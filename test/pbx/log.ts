/**
 * Verbose frame logging for the CLI and `verbose: true`. Secrets are redacted so a log can
 * be pasted into an issue: the emulator's logs must obey the same rule as the client's.
 */
const SECRET_KEYS = new Set(['password', 'pwd', 'response', 'digest', 'key', 'usr']);

function redactValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redactValue);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEYS.has(k) ? '***' : redactValue(x)]));
}

/** The frame text with every secret-bearing value replaced by "***". */
export function redactFrame(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Unparseable text could hold anything; show only its size.
    return `<not JSON, ${text.length} chars>`;
  }
  return JSON.stringify(redactValue(parsed));
}
