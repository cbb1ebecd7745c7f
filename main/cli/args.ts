/** A strict `--name value` / `--flag` parser for our CLIs: unknown options are errors, not surprises. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionSpec = Record<string, 'string' | 'boolean'>;
export type ParsedOptions<S extends OptionSpec> = { [K in keyof S]?: S[K] extends 'string' ? string : boolean };

export function parseOptions<S extends OptionSpec>(argv: readonly string[], spec: S): ParsedOptions<S> {
  const out: Record<string, string | boolean> = Object.create(null) as Record<string, string | boolean>;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument "${arg}"`);
    const [, name, inline] = m as unknown as [string, string, string | undefined];
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!kind) throw new UsageError(`unknown option --${name}`);
    if (kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    out[name] = value;
  }
  return out as ParsedOptions<S>;
}
