/**
 * The app-frame page on its Electron transport, in Chromium: the page is opened top-level (as
 * in an app's own WebContentsView) with a stand-in for the app views' preload, an
 * `AppFrameApi` at `window.myappsAppFrame` set by an init script, that records what the page
 * sends and lets the test push frames down. The page must pick IPC over its WebSocket, say
 * `hello` first, send its frames batched per tick in the contract's wire format (app messages
 * as `m` + the app's text, other kinds as JSON), read frames with the contract's parser,
 * and keep every guarantee it has on the WebSocket: one sandboxed iframe, the `allow` the core
 * sent and nothing more, only strings of the app itself relayed.
 */
import type { Frame, Page } from '@playwright/test';
import { splitAppFrames } from '../../main/core/bridge/app-frame.js';
import { expect, postThenControl, test, type World } from './fixtures.js';
import { AppServer } from './probe-apps.js';

let apps: AppServer;
test.beforeEach(async () => {
  apps = await AppServer.start();
});
test.afterEach(async () => {
  await apps.close();
});

interface FakeIpc {
  ipcSent: string[];
  ipcDown(text: string): void;
}

/** Open the app-frame page top-level with a fake preload; returns the WebSockets it opened (none, we expect). */
async function openOnIpc(page: Page, world: World): Promise<string[]> {
  await page.addInitScript(() => {
    if (window !== window.top) return; // The preload runs in the top frame only.
    const sent: string[] = [];
    const listeners = new Set<(text: string) => void>();
    Object.assign(window, {
      myappsAppFrame: {
        send: (text: string) => void sent.push(text),
        onFrame(listener: (text: string) => void) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      ipcSent: sent,
      ipcDown: (text: string) => {
        for (const listener of listeners) listener(text);
      },
    });
  });
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(`${world.shell.origin}/appframe.html?token=${encodeURIComponent(world.shell.token)}`);
  return sockets;
}

/** The frames the page sent, each as its own string (one IPC message carries the frames of one tick: app-frame.ts). */
const sent = async (page: Page) => (await page.evaluate(() => (window as unknown as FakeIpc).ipcSent)).flatMap((text) => {
  const batch = splitAppFrames(text);
  return batch.ok ? batch.frames : [`(malformed batch: ${batch.error})`];
});
const down = (page: Page, frame: unknown) => page.evaluate((text) => (window as unknown as FakeIpc).ipcDown(text), typeof frame === 'string' ? frame : JSON.stringify(frame));

async function appFrame(page: Page): Promise<Frame> {
  await expect.poll(() => page.frames().some((f) => f.url().includes('/apps/probe/probe.htm'))).toBe(true);
  return page.frames().find((f) => f.url().includes('/apps/probe/probe.htm'))!;
}

const iframeAttributes = (page: Page) =>
  page.evaluate(() => {
    const frames = document.querySelectorAll('iframe');
    const f = frames[0];
    return { count: frames.length, src: f?.getAttribute('src'), sandbox: f?.getAttribute('sandbox'), allow: f?.getAttribute('allow'), referrerPolicy: f?.referrerPolicy, title: f?.title };
  });

test('on IPC the page says hello, then shows the app the core names with the allow it names, and relays only the app’s strings', async ({ page, world }) => {
  const sockets = await openOnIpc(page, world);
  await expect.poll(() => sent(page)).toEqual(['{"kind":"hello"}']);
  await expect(page.locator('html')).toHaveAttribute('data-bridge', 'open');

  const url = `${apps.base}/apps/probe/probe.htm?lang=en&name=probe&title=Probe`;
  await down(page, { kind: 'load', url, website: false, title: 'Probe', allow: 'microphone *; camera *' });
  expect(await iframeAttributes(page)).toEqual({
    count: 1,
    src: url,
    sandbox: 'allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads',
    allow: 'microphone *; camera *',
    referrerPolicy: 'no-referrer',
    title: 'Probe',
  });
  const app = await appFrame(page);
  // The policy applied from the app's first navigation: what the core allowed, nothing else.
  const allows = (feature: string) => app.evaluate((f) => (window as unknown as { allows(f: string): boolean }).allows(f), feature);
  expect([await allows('microphone'), await allows('camera'), await allows('display-capture')]).toEqual([true, true, false]);
  // Up: loaded (JSON) and the app's Alive, its own text as it is after `m`.
  await expect.poll(async () => (await sent(page)).slice(1).sort()).toEqual(['{"kind":"loaded"}', 'm{"mt":"Alive"}'].sort());

  // Down: only well-formed frames; the rest is ignored.
  for (const bad of ['not json', '{"kind":"post"}', '{"kind":"post","text":5}', '{"kind":"load","url":5,"website":false,"title":"x"}', '{"kind":"hello"}', '[]', 'null']) await down(page, bad);
  await down(page, { kind: 'post', text: '{"mt":"SetLang","lang":"de"}' });
  await expect.poll(() => app.evaluate(() => (window as unknown as { received: unknown[] }).received)).toEqual([{ mt: 'SetLang', lang: 'de' }]);
  expect((await iframeAttributes(page)).count).toBe(1);

  // Strings of a nested frame, non-strings, and the page's own messages are dropped and counted.
  const before = (await sent(page)).length;
  await app.childFrames()[0]!.evaluate(() => window.parent.parent.postMessage('{"mt":"Alive"}', '*'));
  await app.evaluate(() => window.parent.postMessage({ mt: 'Alive' }, '*'));
  await page.evaluate(() => window.postMessage('{"mt":"Alive"}', '*'));
  await expect.poll(() => page.evaluate(() => (window as unknown as { __appFrameDropped?: number }).__appFrameDropped)).toBe(3);
  await app.evaluate(() => (window as unknown as { send(m: unknown): void }).send({ mt: 'SetBadge' }));
  await expect.poll(async () => (await sent(page)).slice(before)).toEqual(['m{"mt":"SetBadge"}']);

  // Batched: 40 messages the app posts in one go reach IPC in far fewer IPC messages, in order.
  const rawBefore = await page.evaluate(() => (window as unknown as FakeIpc).ipcSent.length);
  await app.evaluate(() => {
    for (let i = 0; i < 40; i++) (window as unknown as { send(m: unknown): void }).send({ mt: 'SetMenuState', value: String(i) });
  });
  await expect.poll(async () => (await sent(page)).filter((f) => f.includes('SetMenuState'))).toEqual(Array.from({ length: 40 }, (_, i) => `m{"mt":"SetMenuState","value":"${i}"}`));
  expect(await page.evaluate(() => (window as unknown as FakeIpc).ipcSent.length)).toBeLessThanOrEqual(rawBefore + 10);

  // A second load is a reload; without `allow` the app gets no permission at all.
  await down(page, { kind: 'load', url, website: false, title: 'Probe', allow: '' });
  await expect.poll(() => page.evaluate(() => document.querySelector('iframe')?.contentWindow === null)).toBe(false);
  expect(await iframeAttributes(page)).toMatchObject({ count: 1, allow: null });
  await expect.poll(async () => (await appFrame(page)).evaluate(() => (window as unknown as { allows?(f: string): boolean }).allows?.('microphone'))).toBe(false);
  expect(sockets).toEqual([]);
});

test('on IPC an App URL of the page’s own origin, or not http(s), is refused and reported failed', async ({ page, world }) => {
  await openOnIpc(page, world);
  await expect.poll(() => sent(page)).toEqual(['{"kind":"hello"}']);
  await down(page, { kind: 'load', url: `${world.shell.origin}/index.html`, website: false, title: 'Self', allow: '' });
  await down(page, { kind: 'load', url: 'javascript:alert(1)', website: false, title: 'Script', allow: '' });
  await expect.poll(async () => (await sent(page)).slice(1)).toEqual([
    JSON.stringify({ kind: 'failed', reason: 'The app address is the address of myApps itself.' }),
    JSON.stringify({ kind: 'failed', reason: 'The app address is not an http or https URL.' }),
  ]);
  expect((await iframeAttributes(page)).count).toBe(0);
});

test('on IPC a plain website’s messages never leave the page, and the page posts nothing to it', async ({ page, world }) => {
  // The core drops what a website says too; this checks the page's own rule (control 8), by what the page sends.
  await openOnIpc(page, world);
  await expect.poll(() => sent(page)).toEqual(['{"kind":"hello"}']);
  await down(page, { kind: 'load', url: `${apps.base}/apps/site/index.html`, website: true, title: 'Site', allow: '' });
  await expect.poll(async () => (await sent(page)).slice(1)).toEqual(['{"kind":"loaded"}']);
  const site = page.frames().find((f) => f.url().includes('/apps/site/index.html'))!;
  await site.evaluate(() => {
    (window as unknown as { received: unknown[] }).received = [];
    window.addEventListener('message', (e) => (window as unknown as { received: unknown[] }).received.push(e.data));
  });
  await postThenControl(page, site, JSON.stringify({ mt: 'Action', type: 'SetBadge', value: 5 }));
  // Down: a post for the site, then a control the test posts from the same window after it.
  await down(page, { kind: 'post', text: '{"mt":"SetLang","lang":"de"}' });
  await page.evaluate(() => document.querySelector('iframe')!.contentWindow!.postMessage('control', '*'));
  await expect.poll(() => site.evaluate(() => (window as unknown as { received: unknown[] }).received)).toEqual(['control']);
  // Up: a later frame (an app loaded in the site's place) goes in a later batch than anything relayed for the site.
  const url = `${apps.base}/apps/probe/probe.htm?lang=en&name=probe&title=Probe`;
  await down(page, { kind: 'load', url, website: false, title: 'Probe', allow: '' });
  const app = await appFrame(page);
  await expect.poll(async () => (await sent(page)).slice(1)).toEqual(['{"kind":"loaded"}', 'm{"mt":"Alive"}', '{"kind":"loaded"}']);
  expect(await page.evaluate(() => (window as unknown as { __appFrameDropped?: number }).__appFrameDropped)).toBe(0);
  // The same page relays and posts for an app.
  await down(page, { kind: 'post', text: '{"mt":"SetLang","lang":"fr"}' });
  await expect.poll(() => app.evaluate(() => (window as unknown as { received: unknown[] }).received)).toEqual([{ mt: 'SetLang', lang: 'fr' }]);
});

test('on IPC only the shell hands the page a channel’s port: one the app posts is not taken, the shell’s is', async ({ page, world }) => {
  type Ports = { __forged?: unknown[]; __real?: unknown[] };
  await openOnIpc(page, world);
  await expect.poll(() => sent(page)).toEqual(['{"kind":"hello"}']);
  await down(page, { kind: 'load', url: `${apps.base}/apps/probe/probe.htm?lang=en&name=probe&title=Probe`, website: false, title: 'Probe', allow: '' });
  const app = await appFrame(page);
  await expect.poll(async () => (await sent(page)).includes('{"kind":"loaded"}')).toBe(true);
  const channel = 'ab'.repeat(12);
  await down(page, { kind: 'grant', channel, api: 'com.example.echo', role: 'consumer', peer: 'echo', self: 'probe', defaultProvider: false });
  // The app forges the shell's notice with a port of its own, keeping the other end to listen on.
  await app.evaluate((ch) => {
    const pair = new MessageChannel();
    const w = window as unknown as Ports;
    w.__forged = [];
    pair.port1.onmessage = (e) => w.__forged!.push(e.data);
    window.parent.postMessage({ myappsApiPort: 'open', channel: ch }, '*', [pair.port2]);
  }, channel);
  // Then the shell's notice (in Electron the preload posts it to the page's own window; so does the test).
  await page.evaluate((ch) => {
    const pair = new MessageChannel();
    const w = window as unknown as Ports;
    w.__real = [];
    pair.port1.onmessage = (e) => w.__real!.push(e.data);
    window.postMessage({ myappsApiPort: 'open', channel: ch }, window.location.origin, [pair.port2]);
  }, channel);
  // Grant and port: the page tells the core it sends over the port from now on (once: a second port is not taken).
  await expect.poll(async () => (await sent(page)).filter((f) => f.includes('handover'))).toEqual([JSON.stringify({ kind: 'handover', channel })]);
  await app.evaluate(() => (window as unknown as { send(m: unknown): void }).send({ mt: 'ApiRequest', api: 'com.example.echo', provider: 'echo', src: '1', msg: { x: 1 } }));
  // The request crossed the shell's port, stamped with the grant's name; the app's port got nothing.
  await expect.poll(() => page.evaluate(() => (window as unknown as Ports).__real)).toEqual([[{ consumer: 'probe', api: 'com.example.echo', src: '1', msg: { x: 1 } }]]);
  expect(await app.evaluate(() => (window as unknown as Ports).__forged)).toEqual([]);
});
