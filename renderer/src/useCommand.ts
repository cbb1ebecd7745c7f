import { useCallback, useState } from 'react';
import type { Command, CommandResult } from '../../main/core/bridge/commands.js';
import { invoke } from './store.js';

export interface CommandError {
  error: string;
  details?: string[];
}

/**
 * Runs bridge commands for one part of the screen and keeps the last failure to show there
 * (in an ErrorAlert). `run` is stable, so memoised children can take callbacks built on it.
 */
export function useCommand(): { failure: CommandError | undefined; run: (command: Command) => Promise<CommandResult>; clear: () => void } {
  const [failure, setFailure] = useState<CommandError>();
  const run = useCallback(async (command: Command) => {
    const result = await invoke(command);
    setFailure(result.ok ? undefined : { error: result.error, ...(result.details && { details: result.details }) });
    return result;
  }, []);
  const clear = useCallback(() => setFailure(undefined), []);
  return { failure, run, clear };
}
