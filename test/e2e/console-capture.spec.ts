/**
 * App console capture in the browser shell (Chromium): the Console sample app
 * (test/apps/pages/console.js) writes at every level on load and on "Log again"; its sample
 * library posts each line as our `ConsoleLog` extension to the app-frame page, which relays it
 * to the core — the inspector gets the lines with their levels, and in developer mode the app's
 * log file under `<logs>/apps/` has them. A `ConsoleLog` posted to the app-frame page by
 * another window (the UI page that frames it) is not the app's and is dropped. The page offers
 * lib1's borrowing hook (a console marked `custom`) in the browser shell; on IPC (Electron, where
 * the shell hears the console itself) it neither offers it nor relays a `ConsoleLog`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { splitAppFrames } from '../../main/core/bridge/app-frame.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import type { InspectorConsoleLine } from '../../main/core/inspector/entries.js';
import type { SampleApps } from '../apps/server.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { allApps, expect, test, type World } from './fixtures.js';
import { AppServer } from './probe-apps.js';
import { sampleAppObject, startWithSampleApps } from './sample-services.js';

function config(): EmulatorConfig {
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: ['echo', 'console'] }],
    appObjects: [sampleAppObject('echo', 'Echo'), sampleAppObject('console', 'Console')],
  };
}

let sample: SampleApps;
test.afterEach(async () => {
  await sample?.close();
});

const LEVELS = ['debug', 'log', 'info', 'warn', 'error'] as const;
const consoleApp = (page: Page) => page.frameLocator('iframe[title="Console"]').frameLocator('iframe[title="Console"]');

/** Developer mode on and an inspector panel open in the core: every console line the core takes, as the UI would get it. */
async function watchConsole(world: World): Promise<InspectorConsoleLine[]> {
  expect(await world.core.handle({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: true });
  const seen: InspectorConsoleLine[] = [];
  world.core.onEvent((e: BridgeEvent) => {
    if (e.type === 'inspector') for (const entry of e.entries) if (entry.kind === 'console') seen.push(entry);
  });
  expect(await world.core.handle({ type: 'inspectorOpen', panel: 'console-e2e' })).toMatchObject({ ok: true });
  return seen;
}

const ofRound = (seen: InspectorConsoleLine[], round: number) => seen.filter((l) => l.text.includes(` round ${round}`));

test('the console sample logs at every level: the lines reach the core with their levels, and its log file', async ({ world, page }) => {
  sample = await startWithSampleApps(world, page, config());
  const seen = await watchConsole(world);
  await allApps(page).getByRole('button', { name: 'Console' }).click();
  await expect(consoleApp(page).getByText('Capture: posted')).toBeVisible();

  await expect.poll(() => ofRound(seen, 1).length).toBe(6);
  const first = ofRound(seen, 1);
  expect(first.slice(0, 5).map((l) => [l.level, l.text])).toEqual(LEVELS.map((level) => [level, `Console sample ${level} round 1 ${JSON.stringify({ level, round: 1 })}`]));
  const viewId = world.core.snapshot().runningApps.find((a) => a.name === 'console')!.viewId;
  for (const line of first) expect(line.app).toEqual({ viewId, name: 'console' });
  // The long line, cut by the page (and the core) at MAX_CONSOLE_LINE.
  expect(first[5]!.level).toBe('log');
  expect(first[5]!.text).toHaveLength(4000);
  expect(first[5]!.text.endsWith('x…')).toBe(true);

  await consoleApp(page).getByRole('button', { name: 'Log again' }).click();
  await expect.poll(() => ofRound(seen, 2).length).toBe(6);
  expect(ofRound(seen, 2).map((l) => l.level)).toEqual([...LEVELS, 'log']);

  await world.core.appConsole.flush();
  const file = readFileSync(join(world.configDir, 'logs', 'apps', 'console.log'), 'utf8');
  for (const round of [1, 2]) for (const level of LEVELS) expect(file).toMatch(new RegExp(`^\\S+ ${level.padEnd(5)} Console sample ${level} round ${round} `, 'm'));

  // lib1's hook, as a same-origin app would find it: the page's console is marked custom, and what is written to it reaches the core as the app's.
  const appFrame = page.frames().find((f) => f.url().includes('/appframe.html') && f.parentFrame() === page.mainFrame())!;
  expect(await appFrame.evaluate(() => (console as unknown as { custom?: boolean }).custom)).toBe(true);
  await appFrame.evaluate(() => console.warn('through the borrowed console', { n: 1 }));
  await expect.poll(() => seen.find((l) => l.text.startsWith('through the borrowed console'))).toMatchObject({ level: 'warn', text: 'through the borrowed console {"n":1}', app: { name: 'console' } });
  // The borrowed console keeps the page's rate (a burst of 500, then 100 a second): a flood is cut short, counted as dropped.
  const dropped = () => appFrame.evaluate(() => (window as unknown as { __appFrameConsoleDropped?: number }).__appFrameConsoleDropped ?? 0);
  const droppedBefore = await dropped();
  await appFrame.evaluate(() => {
    for (let i = 0; i < 2000; i++) console.log(`flood ${i}`);
  });
  expect(await dropped()).toBeGreaterThan(droppedBefore + 1000);
  // Positive control: what the rate let through arrives.
  await expect.poll(() => seen.filter((l) => l.text.startsWith('flood ')).length).toBeGreaterThan(0);
});

test('a ConsoleLog posted to the app-frame page by another window is dropped; the app\'s own next line arrives', async ({ world, page }) => {
  sample = await startWithSampleApps(world, page, config());
  const seen = await watchConsole(world);
  await allApps(page).getByRole('button', { name: 'Console' }).click();
  await expect.poll(() => ofRound(seen, 1).length).toBe(6);
  const appFrame = page.frames().find((f) => f.url().includes('/appframe.html') && f.parentFrame() === page.mainFrame())!;
  const droppedBefore = await appFrame.evaluate(() => (window as unknown as { __appFrameDropped?: number }).__appFrameDropped ?? 0);

  // The UI page (our own origin, the app-frame page's parent) posts a well-formed ConsoleLog into it.
  await page.evaluate(() => {
    const frame = document.querySelector<HTMLIFrameElement>('iframe[title="Console"]')!;
    frame.contentWindow!.postMessage(JSON.stringify({ mt: 'ConsoleLog', level: 'error', text: 'forged by another window round 1' }), '*');
  });
  await expect.poll(() => appFrame.evaluate(() => (window as unknown as { __appFrameDropped?: number }).__appFrameDropped ?? 0)).toBe(droppedBefore + 1);

  // Positive control: the app's own lines still arrive, after the forged one was posted.
  await consoleApp(page).getByRole('button', { name: 'Log again' }).click();
  await expect.poll(() => ofRound(seen, 2).length).toBe(6);
  expect(seen.some((l) => l.text.includes('forged'))).toBe(false);
});

test('on IPC (the desktop build) the page offers no console hook and relays no ConsoleLog: the shell hears the console itself', async ({ page, world }) => {
  const apps = await AppServer.start();
  try {
    await page.addInitScript(() => {
      if (window !== window.top) return;
      const sent: string[] = [];
      const listeners = new Set<(text: string) => void>();
      Object.assign(window, {
        myappsAppFrame: { send: (text: string) => void sent.push(text), onFrame: (l: (text: string) => void) => (listeners.add(l), () => listeners.delete(l)) },
        ipcSent: sent,
        ipcDown: (text: string) => listeners.forEach((l) => l(text)),
      });
    });
    await page.goto(`${world.shell.origin}/appframe.html?token=${encodeURIComponent(world.shell.token)}`);
    const sent = async () => (await page.evaluate(() => (window as unknown as { ipcSent: string[] }).ipcSent)).flatMap((text) => {
      const batch = splitAppFrames(text);
      return batch.ok ? batch.frames : [];
    });
    await expect.poll(sent).toEqual(['{"kind":"hello"}']);
    const url = `${apps.base}/apps/probe/probe.htm?lang=en&name=probe&title=Probe`;
    await page.evaluate((text) => (window as unknown as { ipcDown(t: string): void }).ipcDown(text), JSON.stringify({ kind: 'load', url, website: false, title: 'Probe', allow: '' }));
    await expect.poll(() => page.frames().some((f) => f.url().includes('/apps/probe/probe.htm'))).toBe(true);
    const app = page.frames().find((f) => f.url().includes('/apps/probe/probe.htm'))!;
    expect(await page.evaluate(() => (console as unknown as { custom?: boolean }).custom)).toBeUndefined();

    await app.evaluate(() => (window as unknown as { send(m: unknown): void }).send({ mt: 'ConsoleLog', level: 'warn', text: 'not on IPC' }));
    // Positive control: the app's next message is relayed; the ConsoleLog before it was not.
    await app.evaluate(() => (window as unknown as { send(m: unknown): void }).send({ mt: 'SetBadge', value: 1 }));
    await expect.poll(async () => (await sent()).some((f) => f.includes('SetBadge'))).toBe(true);
    expect((await sent()).filter((f) => f.includes('ConsoleLog') || f.includes('"console"'))).toEqual([]);
  } finally {
    await apps.close();
  }
});
