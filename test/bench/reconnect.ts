/** The session back after the PBX restarts, against the first backoff step plus one login round trip. */
import WebSocket from 'ws';
import type { ClientCore } from '../../main/core/client/client.js';
import { backoffDelay, defaultBackoff } from '../../main/core/pbx/backoff.js';
import { randomHex } from '../../main/core/protocol/crypto.js';
import { loginResponse } from '../../main/core/protocol/digest.js';
import { appsConfig, RUNS, startClient } from './env.js';
import { median, type Measurement } from './results.js';

/** The same exchanges the client makes, in Node without anything else: login, SubscribeApps, until Complete. */
async function bareLogin(url: string, apps: number): Promise<number> {
  const t0 = performance.now();
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((r) => ws.once('open', r));
  let count = 0;
  await new Promise<void>((done) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as Record<string, string>;
      if (msg.mt === 'Authenticate') {
        const nonce = randomHex(8);
        ws.send(JSON.stringify({ mt: 'Login', type: 'user', method: 'digest', username: 'alice', nonce, response: loginResponse({ type: 'user', domain: msg.domain!, username: 'alice', password: 'Secret123!', nonce, challenge: msg.challenge! }), userAgent: 'bench' }));
      } else if (msg.mt === 'LoginResult') ws.send(JSON.stringify({ mt: 'SubscribeApps' }));
      else if (msg.mt === 'UpdateAppsInfo') count++;
      else if (msg.mt === 'UpdateAppsComplete' && count === apps) done();
    });
    ws.send(JSON.stringify({ mt: 'Login', type: 'user', userAgent: 'bench' }));
  });
  const t = performance.now() - t0;
  ws.close();
  return t;
}

function waitFor(core: ClientCore, pred: (s: ReturnType<ClientCore['snapshot']>) => boolean): Promise<void> {
  if (pred(core.snapshot())) return Promise.resolve();
  return new Promise((resolve) => {
    const off = core.onEvent(() => {
      if (pred(core.snapshot())) {
        off();
        resolve();
      }
    });
  });
}

export async function reconnect(): Promise<Measurement> {
  const times: number[] = [];
  const budgets: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c = await startClient(appsConfig(20));
    await c.core.handle({ type: 'login', pbx: c.pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: true });
    await waitFor(c.core, (s) => s.connection.kind === 'logged-in');
    const rtt = await bareLogin(c.pbx.url, 20);
    const lost = waitFor(c.core, (s) => s.connection.kind === 'reconnecting');
    await c.pbx.restart({ downMs: 0 });
    await lost;
    const t0 = performance.now();
    await waitFor(c.core, (s) => s.connection.kind === 'logged-in');
    times.push(performance.now() - t0);
    // The first backoff step at its longest (full jitter), plus one login round trip measured now.
    budgets.push(backoffDelay(1, { ...defaultBackoff, random: () => 1 }) + rtt);
    await c.close();
  }
  return { value: median(times), unit: 'ms', runs: times, reference: { value: median(budgets), unit: 'ms', what: 'first backoff + one login round trip' }, note: `medians of ${RUNS} runs` };
}
