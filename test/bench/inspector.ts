/**
 * What the message inspector costs while it is closed (README, "For app developers"): Client API
 * round trips per second through the core (consumer app → core → provider app → core → consumer
 * app, played synchronously at the app-frame link, so the core's own work is all that is timed)
 * with developer mode on and no inspector panel open, against developer mode off. The taps are a
 * null check while closed, so the ratio should be 1 within noise. For the record only, the same
 * with a panel open (recording, redacting, batching to the UI).
 */
import type { ToAppFrame } from '../../main/core/bridge/app-frame.js';
import type { ClientCore } from '../../main/core/client/client.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { appServiceBase, RUNS, startClient } from './env.js';
import { median, type Measurement } from './results.js';

const ROUNDS = 40_000;
/** Round trips per timed batch; a run is ROUNDS / BATCH batches of each side. */
const BATCH = 4000;
const API = 'bench.echo';

const config: EmulatorConfig = {
  domain: 'example.com',
  pbx: 'master',
  users: [{ sip: 'alice', password: 'Secret123!', apps: ['consumer', 'provider'] }],
  appObjects: [
    { name: 'consumer', title: 'Consumer', password: 'x', url: `${appServiceBase}/apps/consumer/consumer` },
    { name: 'provider', title: 'Provider', password: 'x', url: `${appServiceBase}/apps/provider/provider`, apis: { [API]: {} } },
  ] as EmulatorConfig['appObjects'],
};

function until(core: ClientCore, pred: () => boolean): Promise<void> {
  if (pred()) return Promise.resolve();
  return new Promise((resolve) => {
    const off = core.onEvent(() => {
      if (!pred()) return;
      off();
      resolve();
    });
  });
}

/** Both apps attached as their pages would be; the provider answers every request at once. Returns a timer of N round trips. */
async function pair(core: ClientCore): Promise<(n: number) => number> {
  let results = 0;
  const consumerView = ((await core.handle({ type: 'openApp', link: 'consumer' })) as { value: { viewId: string } }).value.viewId;
  const consumer = core.attachAppFrame(consumerView, (f: ToAppFrame) => {
    if (f.kind === 'post' && f.text.includes('"ApiResult"')) results++;
  })!;
  consumer.receive({ kind: 'message', text: JSON.stringify({ mt: 'Alive' }) });
  consumer.receive({ kind: 'message', text: JSON.stringify({ mt: 'ConsumeApi', api: API }) });
  const providerView = ((await core.handle({ type: 'openApp', link: 'provider' })) as { value: { viewId: string } }).value.viewId;
  const provider = core.attachAppFrame(providerView, (f: ToAppFrame) => {
    if (f.kind !== 'post' || !f.text.includes('"ApiRequest"')) return;
    const m = JSON.parse(f.text) as { api: string; consumer: string; src: string; msg: unknown };
    provider.receive({ kind: 'message', text: JSON.stringify({ mt: 'ApiResult', api: m.api, consumer: m.consumer, src: m.src, msg: m.msg }) });
  })!;
  provider.receive({ kind: 'message', text: JSON.stringify({ mt: 'Alive' }) });
  provider.receive({ kind: 'message', text: JSON.stringify({ mt: 'RegisterApi', api: API }) });
  return (n) => {
    const before = results;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) consumer.receive({ kind: 'message', text: JSON.stringify({ mt: 'ApiRequest', api: API, provider: 'provider', src: String(i), msg: { n: i } }) });
    const ms = performance.now() - t0;
    if (results - before !== n) throw new Error(`${results - before} of ${n} round trips came back`);
    return (n / ms) * 1000;
  };
}

export async function inspectorClosed(): Promise<Measurement> {
  const c = await startClient(config);
  try {
    await c.core.handle({ type: 'login', pbx: c.pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
    await until(c.core, () => c.core.snapshot().connection.kind === 'logged-in' && c.core.snapshot().apps !== undefined);
    const roundTrips = await pair(c.core);
    const developerMode = async (on: boolean) => {
      const r = await c.core.handle({ type: 'updateSettings', patch: { developerMode: on } });
      if (!r.ok) throw new Error(r.error);
    };
    const closed: number[] = [];
    const off: number[] = [];
    const open: number[] = [];
    /** The best of short batches, alternating sides: on a shared machine, the batches nothing else disturbed. */
    const best = async (on: boolean, batches: number[]) => {
      await developerMode(on);
      batches.push(roundTrips(BATCH));
    };
    // Warm-up of both, then alternating which goes first, so JIT, GC and clock drift fall on both sides alike.
    await best(false, []);
    await best(true, []);
    for (let i = 0; i < RUNS; i++) {
      const a: number[] = [];
      const b: number[] = [];
      for (let k = 0; k < ROUNDS / BATCH; k++) {
        if (k % 2 === 0) {
          await best(false, a);
          await best(true, b);
        } else {
          await best(true, b);
          await best(false, a);
        }
      }
      off.push(Math.max(...a));
      closed.push(Math.max(...b));
      await developerMode(true);
      await c.core.handle({ type: 'inspectorOpen', panel: 'bench' });
      open.push(roundTrips(ROUNDS));
      await c.core.handle({ type: 'inspectorClose', panel: 'bench' });
    }
    return {
      value: median(closed),
      unit: 'round trips/s',
      reference: { value: median(off), unit: 'round trips/s', what: 'developer mode off' },
      runs: closed,
      note: `through the core; per run the best of ${ROUNDS / BATCH} alternating batches of ${BATCH} on each side; with a panel open (recording): ${median(open).toFixed(0)}/s`,
    };
  } finally {
    await c.close();
  }
}
