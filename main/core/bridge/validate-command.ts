import { ValidationError } from '../protocol/validate.js';
import { commandSchemas, type Command, type CommandType } from './commands.js';

/** Validate a command from a bridge; a bad one yields a reason fit for a log line. */
export function parseCommand(raw: unknown): { ok: true; command: Command } | { ok: false; error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'command is not an object' };
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, error: `command type is not a string (${type === null ? 'null' : Array.isArray(type) ? 'array' : typeof type})` };
  if (!Object.hasOwn(commandSchemas, type)) return { ok: false, error: `unknown command ${JSON.stringify(type.slice(0, 64))}` };
  try {
    return { ok: true, command: commandSchemas[type as CommandType].parse(raw, type) as Command };
  } catch (e) {
    if (e instanceof ValidationError || e instanceof Error) return { ok: false, error: e.message };
    throw e;
  }
}
