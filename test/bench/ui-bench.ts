/**
 * `npm run bench`: the quality bars of the product (README, "Speed"), measured — not asserted by
 * timed tests. Prints one line per measurement with the ratio to its bar.
 *
 * 1. Login to tiles, 200 apps: click "Log in" → 200 tiles on screen, in Chromium through the
 *    browser shell, vs a bare protocol script doing the same exchanges. Bar: ≤ 2×. Two bare
 *    scripts are measured: one in Node (protocol only), and one in the same Chromium that also
 *    puts 200 plain buttons on screen — the fair baseline for "tiles on screen" on this machine.
 * 2. 500 tiles render: Chromium's scripting + style + layout time for a 500-app list to
 *    appear. Bar: < 100 ms.
 * 3. Search keystroke: keydown → next frame after the filter, per keystroke, 500 tiles. Bar: ≤ 16 ms.
 * 4. Reconnect: PBX restarted → session back, vs the first backoff step + one round trip. Bar: ≤ 1×.
 * 5. Message relay: Client API request/result round trips per second between two apps through
 *    the broker (100 in flight), and the ratio to two iframes posting to each other directly.
 *    Bar: ≥ 5,000/s.
 */
import { chromium, type Page } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ClientCore } from '../../main/core/client/client.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { randomHex } from '../../main/core/protocol/crypto.js';
import { loginResponse } from '../../main/core/protocol/digest.js';
import { backoffDelay, defaultBackoff } from '../../main/core/pbx/backoff.js';
import { createWebShell } from '../../main/web/server.js';
import { PbxEmulator, type EmulatorConfig } from '../pbx/index.js';

const rendererDir = resolve(fileURLToPath(import.meta.url), '../../../renderer/dist');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function config(apps: number): EmulatorConfig {
  const names = Array.from({ length: apps }, (_, i) => `app${String(i).padStart(3, '0')}`);
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice', apps: names }],
    appObjects: names.map((name, i) => ({ name, title: `App ${i} ${['Contacts', 'Phone', 'Chat', 'Reports', 'Files'][i % 5]}`, description: `Sample app number ${i}`, password: 'x', url: `http://127.0.0.1:9/apps/${name}/${name}` })),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;
function report(name: string, value: string, ratio: number, bar: string) {
  process.stdout.write(`${name.padEnd(34)} ${value.padEnd(42)} ratio ${ratio.toFixed(2)}  (bar: ${bar}) ${ratio <= 1 ? 'ok' : 'OVER'}\n`);
}

/** The same exchanges the client makes, without anything else: login, SubscribeApps, until Complete. */
async function bareProtocolLogin(url: string, apps: number): Promise<number> {
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

/** The same exchanges from a page in Chromium (WebSocket + WebCrypto), then 200 plain buttons painted. */
async function bareInBrowser(page: Page, pbxUrl: string, apps: number): Promise<number> {
  // Any page of the loopback origin is a secure context (WebCrypto); the emulator's 404 page will do.
  await page.goto(pbxUrl.replace(/^ws/, 'http').replace(/websocket$/, 'blank'));
  return page.evaluate(
    async ({ url, n }) => {
      const hex = async (text: string) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, '0')).join('');
      const t0 = performance.now();
      const ws = new WebSocket(url);
      const titles: string[] = [];
      await new Promise<void>((done) => {
        ws.onopen = () => ws.send(JSON.stringify({ mt: 'Login', type: 'user', userAgent: 'bench' }));
        ws.onmessage = async (e) => {
          const msg = JSON.parse(e.data as string) as { mt: string; domain: string; challenge: string; app: { title: string } };
          if (msg.mt === 'Authenticate') {
            const nonce = [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('');
            const response = await hex(`innovaphoneAppClient:user:${msg.domain}:alice:Secret123!:${nonce}:${msg.challenge}`);
            ws.send(JSON.stringify({ mt: 'Login', type: 'user', method: 'digest', username: 'alice', nonce, response, userAgent: 'bench' }));
          } else if (msg.mt === 'LoginResult') ws.send(JSON.stringify({ mt: 'SubscribeApps' }));
          else if (msg.mt === 'UpdateAppsInfo') titles.push(msg.app.title);
          else if (msg.mt === 'UpdateAppsComplete' && titles.length === n) done();
        };
      });
      const list = document.createElement('div');
      for (const title of titles) list.append(Object.assign(document.createElement('button'), { textContent: title }));
      document.body.replaceChildren(list);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      ws.close();
      return performance.now() - t0;
    },
    { url: pbxUrl, n: apps },
  );
}

interface Client {
  pbx: PbxEmulator;
  core: ClientCore;
  url: string;
  close(): Promise<void>;
}

async function client(apps: number): Promise<Client> {
  const pbx = await PbxEmulator.start({ config: config(apps), port: 0 });
  const core = await ClientCore.start({ configDir: mkdtempSync(join(tmpdir(), 'myapps-bench-')), policyFile: '/nonexistent/policy.json', credentialStore: new MemoryCredentialStore() });
  const shell = await createWebShell({ host: core, rendererDir });
  return {
    pbx,
    core,
    url: shell.url,
    close: async () => {
      await shell.close();
      await core.dispose();
      await pbx.stop();
    },
  };
}

async function loginToTiles(page: Page, c: Client, apps: number): Promise<number> {
  await page.goto(c.url);
  await page.getByRole('textbox', { name: 'PBX' }).fill(c.pbx.url);
  await page.getByRole('textbox', { name: 'Username' }).fill('alice');
  await page.getByLabel('Password').fill('Secret123!');
  // Timed inside the page: from the click to the frame that shows every tile.
  return page.evaluate(async (n) => {
    const t0 = performance.now();
    document.querySelector<HTMLButtonElement>('form button[type="submit"]')!.click();
    await new Promise<void>((resolve) => {
      const check = () => {
        const region = [...document.querySelectorAll('section, [role="region"]')].find((el) => el.getAttribute('aria-labelledby') && el.textContent?.includes('All apps'));
        if (region && region.querySelectorAll('button').length >= n) resolve();
        else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - t0;
  }, apps);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // tsx (esbuild) wraps named functions with a `__name` helper that does not exist in the page.
  const context = await browser.newContext();
  await context.addInitScript('globalThis.__name = (f) => f');
  process.stdout.write(`myApps benchmarks (${RUNS} runs each, medians)\n`);

  // 1. Login to tiles, 200 apps.
  {
    const clientTimes: number[] = [];
    const bareTimes: number[] = [];
    const bareBrowserTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const c = await client(200);
      const page = await context.newPage();
      clientTimes.push(await loginToTiles(page, c, 200));
      bareBrowserTimes.push(await bareInBrowser(page, c.pbx.url, 200));
      await page.close();
      bareTimes.push(await bareProtocolLogin(c.pbx.url, 200));
      await c.close();
    }
    const vsNode = median(clientTimes) / median(bareTimes);
    const vsBrowser = median(clientTimes) / median(bareBrowserTimes);
    report('login to tiles (200 apps) vs Node', `client ${ms(median(clientTimes))} / bare ${ms(median(bareTimes))} = ${vsNode.toFixed(2)}×`, vsNode / 2, '≤ 2× the bare protocol script');
    report('login to tiles (200 apps) vs page', `client ${ms(median(clientTimes))} / bare ${ms(median(bareBrowserTimes))} = ${vsBrowser.toFixed(2)}×`, vsBrowser / 2, '≤ 2× the bare script + plain buttons');
  }

  // 2 + 3. 500 tiles: render cost and search keystrokes.
  {
    const c = await client(500);
    const page = await context.newPage();
    await loginToTiles(page, c, 500);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')).metrics as { name: string; value: number }[]).map((m) => [m.name, m.value]));
    const renderTimes: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Take the list away and give it back: the second change renders all 500 tiles from scratch.
      c.pbx.setUserApps('alice', []);
      await page.waitForFunction(() => !document.body.textContent?.includes('App 499'));
      const before = await metrics();
      c.pbx.setUserApps('alice', config(500).users[0]!.apps);
      await page.waitForFunction(() => document.body.textContent?.includes('App 499'));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const after = await metrics();
      const cost = ['ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration'].reduce((sum, k) => sum + ((after[k] ?? 0) - (before[k] ?? 0)) * 1000, 0);
      renderTimes.push(cost);
    }
    report('500 tiles render (script+style+layout)', ms(median(renderTimes)), median(renderTimes) / 100, '< 100 ms');

    const search = page.getByRole('searchbox', { name: 'Search apps' });
    await search.focus();
    const latencies = await page.evaluate(async () => {
      const input = document.querySelector<HTMLInputElement>('input[type="search"]')!;
      const out: number[] = [];
      for (const text of ['a', 'ap', 'app', 'app 1', 'app 12', 'app 1', 'app', 'c', 'ch', 'cha', 'chat', '']) {
        const t0 = performance.now();
        const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        setter.call(input, text);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        out.push(performance.now() - t0);
      }
      return out;
    });
    report('search keystroke (500 tiles)', `median ${ms(median(latencies))}, p95 ${ms(p95(latencies))}`, median(latencies) / 16, '≤ 16 ms');
    await page.close();
    await c.close();
  }

  // 4. Reconnect after a PBX restart.
  {
    const times: number[] = [];
    let rtt = 0;
    for (let i = 0; i < RUNS; i++) {
      const c = await client(20);
      await c.core.handle({ type: 'login', pbx: c.pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: true });
      await waitFor(c.core, (s) => s.connection.kind === 'logged-in');
      rtt = await bareProtocolLogin(c.pbx.url, 20);
      const lost = waitFor(c.core, (s) => s.connection.kind === 'reconnecting');
      await c.pbx.restart({ downMs: 0 });
      await lost;
      const t0 = performance.now();
      await waitFor(c.core, (s) => s.connection.kind === 'logged-in');
      times.push(performance.now() - t0);
      await c.close();
    }
    const budget = backoffDelay(1, { ...defaultBackoff, random: () => 1 }) + rtt;
    report('reconnect after PBX restart', `${ms(median(times))} (budget: first backoff ≤ 1000 ms + ${ms(rtt)})`, median(times) / budget, '≤ first backoff + one round trip');
  }
  // 5. Message relay through the broker.
  {
    const ROUNDS = 5000;
    const pages: Record<string, string> = {
      // A provider that answers every request at once, and a consumer that keeps 100 requests in flight.
      'provider.htm': `<script>parent.postMessage(JSON.stringify({mt:'Alive'}),'*');parent.postMessage(JSON.stringify({mt:'RegisterApi',api:'bench.echo'}),'*');
        addEventListener('message',(e)=>{if(typeof e.data!=='string')return;const m=JSON.parse(e.data);if(m.mt==='ApiRequest')parent.postMessage(JSON.stringify({mt:'ApiResult',api:m.api,consumer:m.consumer,src:m.src,msg:m.msg}),'*');});</script>`,
      'consumer.htm': `<script>parent.postMessage(JSON.stringify({mt:'Alive'}),'*');let sent=0,done=0,n=0,finish=null,t0=0;
        const send=()=>parent.postMessage(JSON.stringify({mt:'ApiRequest',api:'bench.echo',provider:'provider',src:String(++sent),msg:{n:sent}}),'*');
        addEventListener('message',(e)=>{if(typeof e.data!=='string'||!finish)return;const m=JSON.parse(e.data);if(m.mt!=='ApiResult')return;if(++done===n){const f=finish;finish=null;f(performance.now()-t0);}else if(sent<n)send();});
        window.run=(count)=>new Promise((res)=>{sent=0;done=0;n=count;finish=res;t0=performance.now();for(let i=0;i<100;i++)send();});</script>`,
      'direct.htm': `<iframe id=a srcdoc="<script>addEventListener('message',(e)=>e.source.postMessage(e.data,'*'))</script>"></iframe><script>window.run=(n)=>new Promise((res)=>{const w=document.getElementById('a').contentWindow;let sent=0,done=0;const t0=performance.now();const send=()=>w.postMessage(JSON.stringify({mt:'ApiRequest',src:String(++sent)}),'*');addEventListener('message',()=>{if(++done===n)res(performance.now()-t0);else if(sent<n)send();});for(let i=0;i<100;i++)send();});</script>`,
    };
    const appServer = createServer((req, res) => {
      const file = (req.url ?? '').split('?')[0]!.split('/').pop()!;
      const body = pages[file];
      if (body) res.writeHead(200, { 'Content-Type': 'text/html' }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => appServer.listen(0, '127.0.0.1', r));
    const appsOrigin = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
    const relayConfig: EmulatorConfig = {
      domain: 'example.com',
      pbx: 'master',
      users: [{ sip: 'alice', password: 'Secret123!', apps: ['consumer', 'provider'] }],
      appObjects: [
        { name: 'consumer', title: 'Consumer', password: 'x', url: `${appsOrigin}/bench/consumer` },
        { name: 'provider', title: 'Provider', password: 'x', url: `${appsOrigin}/bench/provider`, hidden: true, apis: { 'bench.echo': {} } },
      ],
    };
    const pbx = await PbxEmulator.start({ config: relayConfig, port: 0 });
    const core = await ClientCore.start({ configDir: mkdtempSync(join(tmpdir(), 'myapps-bench-')), policyFile: '/nonexistent/policy.json', credentialStore: new MemoryCredentialStore() });
    const shell = await createWebShell({ host: core, rendererDir });
    const page = await context.newPage();
    await page.goto(shell.url);
    await page.getByRole('textbox', { name: 'PBX' }).fill(pbx.url);
    await page.getByRole('textbox', { name: 'Username' }).fill('alice');
    await page.getByLabel('Password').fill('Secret123!');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('region', { name: 'All apps' }).getByRole('button', { name: 'Consumer' }).click();
    const consumerFrame = await (async () => {
      for (;;) {
        const f = page.frames().find((x) => x.url().includes('/bench/consumer.htm'));
        if (f && (await f.evaluate(() => typeof (window as unknown as { run?: unknown }).run === 'function'))) return f;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // Warm up (starts the hidden provider), then measure on the same page.
    await consumerFrame.evaluate((n) => (window as unknown as { run(n: number): Promise<number> }).run(n), 200);
    const brokerMs = await consumerFrame.evaluate((n) => (window as unknown as { run(n: number): Promise<number> }).run(n), ROUNDS);
    const direct = await context.newPage();
    await direct.goto(`${appsOrigin}/direct.htm`);
    await direct.waitForFunction(() => typeof (window as unknown as { run?: unknown }).run === 'function');
    const directMs = await direct.evaluate((n) => (window as unknown as { run(n: number): Promise<number> }).run(n), ROUNDS);
    const rate = ROUNDS / (brokerMs / 1000);
    const directRate = ROUNDS / (directMs / 1000);
    report('Client API relay (broker)', `${Math.round(rate)}/s; direct iframe postMessage ${Math.round(directRate)}/s (${(rate / directRate).toFixed(3)}×)`, 5000 / rate, '≥ 5,000 round trips/s');
    await direct.close();
    await page.close();
    await shell.close();
    await core.dispose();
    await pbx.stop();
    appServer.close();
  }
  await browser.close();
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

await main();
