/** The inspector panel's filters and export, apart from React (pure). */
import type { ConsoleLevel, InspectorEntry } from '../../../main/core/bridge/inspector.js';

export interface InspectorFilter {
  /** App Object name ('' = all): an entry of that app, or a message between it and another. */
  app: string;
  /** Client API ('' = all); console lines have none. */
  api: string;
  /** Part of the message type, any case ('' = all). */
  mt: string;
  kind: 'all' | 'message' | 'console';
  /** Console lines of this level ('' = all). */
  level: ConsoleLevel | '';
}

export function entryMatches(e: InspectorEntry, f: InspectorFilter): boolean {
  if (f.kind !== 'all' && e.kind !== f.kind) return false;
  if (f.app && e.app.name !== f.app && !(e.kind === 'message' && e.peer?.name === f.app)) return false;
  if (e.kind === 'console') return !f.api && !f.mt && (!f.level || e.level === f.level);
  if (f.api && e.api !== f.api) return false;
  if (f.mt && !e.mt.toLowerCase().includes(f.mt.toLowerCase())) return false;
  return true;
}

/** The session as JSON lines: one entry per line, oldest first. */
export function exportLines(entries: readonly InspectorEntry[]): string {
  return entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length > 0 ? '\n' : '');
}
