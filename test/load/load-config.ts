/**
 * The PBX emulator configurations of the load runs (test/load/README.md), and the knobs both
 * runs read from the environment.
 */
import type { EmulatorConfig } from '../pbx/index.js';

/** A positive number from the environment, or the default; anything else stops the run with a clear message. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`${name} must be a positive number (got ${JSON.stringify(raw)})\n`);
    process.exit(2);
  }
  return value;
}

const pad = (i: number, width = 4) => String(i).padStart(width, '0');
const appUrl = (name: string) => `http://127.0.0.1:9/apps/${name}/${name}`;

export const loadUser = { sip: 'loaduser', password: 'LoadTest1!' };

export interface ClientLoadShape {
  /** App Objects granted to the load user. */
  apps: number;
  /** Of those, how many have `presence: true` (the client subscribes their badges). */
  badgeApps: number;
  /** Users linked from the load user's home with `#s=<sip>` (the client subscribes their presence). */
  contacts: number;
}

export interface ClientLoadWorld {
  config: EmulatorConfig;
  /** App Object names whose badges the client subscribes. */
  badgeApps: string[];
  /** SIP names whose presence the client subscribes. */
  contacts: string[];
}

/**
 * One user with `apps` App Objects; the first `badgeApps` of them publish badges; the user's
 * home holds one `#s=` presence link per contact user.
 *
 * The badge apps come first in the list for the emulator's sake, not the client's (whose cost
 * does not depend on where they are): the emulator resolves every subscription of a connection
 * by a linear search of its users and App Objects on every presence change, so a badge app at
 * position 1,900 costs it ~1,900 comparisons per subscription per update. Spread over 2,000
 * apps, the emulator needed ~86 % of a core here and fell seconds behind at 10,000 updates a
 * minute; at the front, ~35 % (~2 ms per update) and it keeps up (test/load/README.md).
 */
export function clientLoadWorld(shape: ClientLoadShape): ClientLoadWorld {
  if (shape.badgeApps > shape.apps) throw new Error('more badge apps than apps');
  const names = Array.from({ length: shape.apps }, (_, i) => `app${pad(i)}`);
  const badgeApps = names.slice(0, shape.badgeApps);
  const withBadge = new Set(badgeApps);
  const contacts = Array.from({ length: shape.contacts }, (_, i) => `contact${pad(i)}`);
  const config: EmulatorConfig = {
    domain: 'load.example.com',
    pbx: 'load',
    users: [
      {
        sip: loadUser.sip,
        password: loadUser.password,
        dn: 'Load User',
        apps: names,
        // Each contact on a tile of one of the apps: `<app>#s=<sip>&d=<label>`.
        home: contacts.map((sip, i) => `${names[i % names.length]}#s=${sip}&d=${sip}`),
      },
      ...contacts.map((sip, i) => ({ sip, password: `pw-${sip}`, dn: `Contact ${i}`, num: String(1000 + i), apps: [] })),
    ],
    appObjects: names.map((name, i) => ({
      name,
      title: `App ${i} ${['Contacts', 'Phone', 'Chat', 'Reports', 'Files'][i % 5]}`,
      description: `Load app number ${i}`,
      password: 'x',
      url: appUrl(name),
      ...(withBadge.has(name) && { presence: true }),
    })),
  };
  return { config, badgeApps, contacts };
}

export interface EmulatorLoadShape {
  /** Users, one login each. */
  users: number;
  /** App Objects, all granted to every user (each login's app list). */
  apps: number;
}

/** `users` users (`user0000`, …), each granted the same `apps` App Objects. */
export function emulatorLoadConfig(shape: EmulatorLoadShape): EmulatorConfig {
  const names = Array.from({ length: shape.apps }, (_, i) => `app${pad(i)}`);
  return {
    domain: 'load.example.com',
    pbx: 'load',
    users: Array.from({ length: shape.users }, (_, i) => ({ sip: `user${pad(i)}`, password: `pw-user${pad(i)}`, dn: `User ${i}`, apps: names })),
    appObjects: names.map((name, i) => ({ name, title: `App ${i}`, password: 'x', url: appUrl(name) })),
  };
}

export const emulatorUserPassword = (sip: string) => `pw-${sip}`;
