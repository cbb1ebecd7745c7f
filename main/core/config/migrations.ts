/**
 * Upgrades of the settings file's shape. `migrations[n]` turns a version-n file into a
 * version-(n+1) file; they run in sequence up to SETTINGS_VERSION and their output is then
 * validated like any file, so a migration only has to move data, not check it.
 */
import { randomUUID } from 'node:crypto';
import { SETTINGS_VERSION } from './settings.js';

export type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

export const migrations: Record<number, Migration> = {
  /**
   * Version 0, the early prototype: a flat `{ pbx, user, scheme }` for a single PBX and no
   * `version` member. It becomes one account, active, and the scheme as the user's choice.
   */
  0: (old) => {
    const { pbx, user, scheme } = old;
    const hasAccount = typeof pbx === 'string' || typeof user === 'string';
    const id = randomUUID();
    return {
      version: 1,
      accounts: hasAccount ? [{ id, address: pbx, username: user }] : [],
      ...(hasAccount ? { activeAccount: id } : {}),
      settings: scheme === undefined ? {} : { scheme },
      homeLayoutCache: {},
    };
  },
};

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Runs the migrations from `version` up to the current version. */
export function migrate(raw: Record<string, unknown>, version: number): Record<string, unknown> {
  let current = raw;
  for (let v = version; v < SETTINGS_VERSION; v++) {
    const step = migrations[v];
    if (!step) throw new MigrationError(`no migration from settings version ${v}`);
    current = step(current);
  }
  return current;
}
