/**
 * The developer-mode message inspector in the browser shell, in real Chromium with the real core
 * and the PBX emulator (renderer/src/inspector, main/core/inspector): opened from an app's header,
 * it shows the app's `getLogin` and the client's `Login` — redacted —, a Client API round trip
 * through the core and then on the direct path (copies the app-frame pages report), filters that
 * narrow the list, and an export of the session as JSON lines with the entries the core kept.
 * Probe apps (probe-apps.ts): `probe` consumes com.innovaphone.search, the hidden `search` answers.
 */
import { readFileSync } from 'node:fs';
import type { Frame, Page } from '@playwright/test';
import type { InspectorEntry } from '../../main/core/inspector/entries.js';
import { allApps, expect, logIn, test, type World } from './fixtures.js';
import { AppServer, answerEveryRequest, appsConfig, probeFrame } from './probe-apps.js';
import { sampleAppObject, startWithSampleApps } from './sample-services.js';

const API = 'com.innovaphone.search';

let apps: AppServer;
test.beforeEach(async () => {
  apps = await AppServer.start();
});
test.afterEach(async () => {
  await apps.close();
});

type Probe = { send(m: unknown): void; received: Record<string, unknown>[] };

const appFrame = probeFrame;

const send = (f: Frame, m: object) => f.evaluate((msg) => (window as unknown as Probe).send(msg), m);
const received = (f: Frame, mt: string) => f.evaluate((m) => (window as unknown as Probe).received.filter((r) => r.mt === m), mt);

/** Every frame the app-frame pages sent to the core over their sockets. */
function watchPageFrames(page: Page): string[] {
  const sent: string[] = [];
  page.on('websocket', (ws) => {
    if (!new URL(ws.url()).pathname.endsWith('/app-bridge')) return;
    ws.on('framesent', (f) => sent.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8')));
  });
  return sent;
}

async function start(page: Page, world: World) {
  await world.start({ config: appsConfig(apps.base) });
  expect(await world.core.handle({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: true });
  await world.open();
  await logIn(page, world);
  await allApps(page).getByRole('button', { name: 'Probe', exact: true }).click();
  return appFrame(page, 'probe');
}

test('developer mode: the app’s getLogin and its Login (redacted), an API round trip through the core and direct, filters, export as JSON lines', async ({ page, world }) => {
  const pageFrames = watchPageFrames(page);
  const consumer = await start(page, world);
  await page.getByRole('button', { name: 'Inspect messages' }).click();
  const panel = page.getByRole('complementary', { name: 'Message inspector' });
  await expect(panel).toBeVisible();
  const list = panel.getByRole('list', { name: 'Messages' });
  const detail = panel.getByRole('region', { name: 'Selected message' });

  // getLogin → Login: both shown, the Login's digest and key redacted.
  await send(consumer, { mt: 'getLogin', app: 'probe', challenge: 'e2e-challenge' });
  await expect.poll(async () => (await received(consumer, 'Login')).length).toBe(1);
  const [login] = (await received(consumer, 'Login')) as { digest: string; key: string }[];
  await expect(list.getByRole('button').filter({ hasText: 'probe → myApps' }).filter({ hasText: 'getLogin' })).toHaveCount(1);
  const loginRow = list.getByRole('button').filter({ hasText: 'myApps → probe' }).filter({ hasText: /^.*Login/ }).filter({ hasNotText: 'getLogin' });
  await expect(loginRow).toHaveCount(1);
  await loginRow.click();
  await expect(detail.locator('pre')).toContainText('"digest": "[redacted]"');
  await expect(detail.locator('pre')).toContainText('"key": "[redacted]"');
  await expect(detail.locator('pre')).toContainText('"sip": "alice"');
  expect(await panel.textContent()).not.toContain(login!.digest);
  expect(await panel.textContent()).not.toContain(login!.key);

  // A round trip: the first request through the core (which then grants the pair a channel), later ones direct.
  await send(consumer, { mt: 'ConsumeApi', api: API });
  const provider = await appFrame(page, 'search');
  await answerEveryRequest(provider);
  await expect.poll(() => world.core.snapshot().runningApps.find((a) => a.name === 'search')?.state).toBe('alive');
  await send(consumer, { mt: 'ApiRequest', api: API, provider: 'search', src: 'via-core', msg: { n: 1 } });
  await expect.poll(async () => (await received(consumer, 'ApiResult')).length).toBe(1);
  await expect.poll(() => world.core.apiGrants().length).toBe(1);
  // The grant reached both pages and their ports joined (the consumer's handover went through the core).
  await expect.poll(async () => {
    await send(consumer, { mt: 'ApiRequest', api: API, provider: 'search', src: `probe-${Date.now()}`, msg: {} });
    return (await received(consumer, 'ApiResult')).length > 1 && world.core.apiGrants()[0]!.requests > 0;
  }, { timeout: 15_000 }).toBe(true);
  await send(consumer, { mt: 'ApiRequest', api: API, provider: 'search', src: 'direct-1', msg: { n: 2 } });
  await expect(list.getByRole('button').filter({ hasText: 'probe → search' }).filter({ hasText: 'src via-core' })).toHaveCount(1);
  await expect(list.getByRole('button').filter({ hasText: 'probe → search (direct)' }).filter({ hasText: 'src direct-1' })).toHaveCount(1);
  await expect(list.getByRole('button').filter({ hasText: 'search → probe (direct)' }).filter({ hasText: 'src direct-1' })).toHaveCount(1);

  // Filters narrow the list: by API, then by mt; back to all.
  const rows = list.getByRole('listitem');
  const all = await rows.count();
  await panel.getByLabel('API').selectOption(API);
  await expect.poll(() => rows.count()).toBeLessThan(all);
  await expect(rows.filter({ hasText: 'getLogin' })).toHaveCount(0);
  await panel.getByLabel('Message type (mt)').fill('ApiResult');
  await expect(rows.filter({ hasText: 'ApiRequest' })).toHaveCount(0);
  await expect(rows.filter({ hasText: 'src direct-1' })).toHaveCount(1);
  await panel.getByLabel('Message type (mt)').fill('');
  await panel.getByLabel('API').selectOption('');
  await panel.getByLabel('App').selectOption('search');
  await expect(rows.filter({ hasText: 'probe → myApps' })).toHaveCount(0);
  await panel.getByLabel('App').selectOption('probe');
  await expect(rows.filter({ hasText: 'getLogin' })).toHaveCount(1);

  // Export: JSON lines, each an entry exactly as the core kept it (redacted there already).
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export (.jsonl)' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^myapps-inspector-.*\.jsonl$/);
  const text = readFileSync((await download.path())!, 'utf8');
  const exported = text.trimEnd().split('\n').map((l) => JSON.parse(l) as InspectorEntry);
  const kept = ((await world.core.handle({ type: 'inspectorOpen', panel: 'e2e-check' })) as { value: { entries: InspectorEntry[] } }).value.entries;
  await world.core.handle({ type: 'inspectorClose', panel: 'e2e-check' });
  const bySeq = new Map(kept.map((e) => [e.seq, e]));
  expect(exported.length).toBeGreaterThan(5);
  for (const e of exported) expect(e).toEqual(bySeq.get(e.seq));
  expect(exported.map((e) => e.kind === 'message' && e.mt)).toEqual(expect.arrayContaining(['getLogin', 'Login', 'ApiRequest', 'ApiResult']));
  expect(exported.some((e) => e.kind === 'message' && e.path === 'direct' && e.src === 'direct-1')).toBe(true);
  expect(text).not.toContain(login!.digest);
  expect(text).not.toContain(login!.key);

  // Pause holds new rows back (the core still records), Resume shows them.
  await panel.getByRole('button', { name: 'Pause' }).click();
  await send(consumer, { mt: 'getLogin', app: 'probe', challenge: 'while-paused' });
  await expect.poll(async () => (await received(consumer, 'Login')).length).toBe(2);
  await expect(panel.getByRole('button', { name: /^Resume \([1-9]\d* new\)$/ })).toBeVisible();
  await expect(rows.filter({ hasText: 'getLogin' })).toHaveCount(1);
  await panel.getByRole('button', { name: /^Resume/ }).click();
  await expect(rows.filter({ hasText: 'getLogin' })).toHaveCount(2);

  // Copy one message: its JSON, redacted as shown.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await rows.filter({ hasText: 'myApps → probe' }).filter({ hasText: /Login/ }).filter({ hasNotText: 'getLogin' }).first().getByRole('button').click();
  await panel.getByRole('button', { name: 'Copy' }).click();
  await expect(panel.getByRole('button', { name: 'Copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(copied)).toMatchObject({ mt: 'Login', digest: '[redacted]', key: '[redacted]' });

  // Clear empties the panel and what the core kept.
  await panel.getByRole('button', { name: 'Clear' }).click();
  await expect(panel.getByText('No messages yet.')).toBeVisible();
  await expect.poll(() => world.core.inspectorHeld().entries).toBe(0);

  // Closed: the core stops recording.
  await panel.getByRole('button', { name: 'Close inspector' }).click();
  await expect(panel).toHaveCount(0);
  const held = world.core.inspectorHeld();
  await send(consumer, { mt: 'getLogin', app: 'probe', challenge: 'after-close' });
  await expect.poll(async () => (await received(consumer, 'Login')).length).toBe(3);
  expect(world.core.inspectorHeld()).toEqual(held);
  // The pages stop copying direct messages: one that went direct while open was copied (the provider's page reported it)…
  expect(pageFrames.some((f) => f.includes('"inspected"') && f.includes('direct-1'))).toBe(true);
  // …one after closing is answered as before, and no page reports it.
  const results = (await received(consumer, 'ApiResult')).length;
  await send(consumer, { mt: 'ApiRequest', api: API, provider: 'search', src: 'direct-after-close', msg: {} });
  await expect.poll(async () => (await received(consumer, 'ApiResult')).length).toBe(results + 1);
  expect(pageFrames.filter((f) => f.includes('direct-after-close'))).toEqual([]);
});

test('without developer mode there is no way in, and the core refuses', async ({ page, world }) => {
  await world.start({ config: appsConfig(apps.base) });
  await world.open();
  await logIn(page, world);
  await allApps(page).getByRole('button', { name: 'Probe', exact: true }).click();
  await appFrame(page, 'probe');
  // Positive control: the header is there (its Reload button), without the inspector's.
  await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Inspect messages' })).toHaveCount(0);
  expect(await world.core.handle({ type: 'inspectorOpen', panel: 'x' })).toEqual({ ok: false, error: 'The message inspector needs developer mode: turn it on in Settings.' });
});

test('Settings → Developers opens the inspector for all apps, once developer mode is on', async ({ page, world }) => {
  await world.start({ config: appsConfig(apps.base) });
  await world.open();
  await logIn(page, world);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  const open = page.getByRole('button', { name: 'Open the message inspector' });
  await expect(open).toHaveCount(0);
  await page.getByRole('switch', { name: 'Developer mode' }).check();
  await open.click();
  const panel = page.getByRole('complementary', { name: 'Message inspector' });
  await expect(panel.getByLabel('App')).toHaveValue('');
  // All apps: an app opened now shows up in it (the panel stays open on another screen).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Home' }).click();
  await allApps(page).getByRole('button', { name: 'Probe', exact: true }).click();
  await expect(panel.getByRole('list', { name: 'Messages' }).getByRole('button').filter({ hasText: 'probe → myApps' }).first()).toBeVisible();
  // The app's own button while the panel is open: the same panel, now for that app.
  await page.getByRole('button', { name: 'Inspect messages' }).click();
  await expect(panel.getByLabel('App')).toHaveValue('probe');
  await expect(panel).toHaveCount(1);
});

test('a page that goes with its panel open closes it: the core stops recording', async ({ page, world }) => {
  await world.start({ config: appsConfig(apps.base) });
  await world.open();
  await logIn(page, world);
  expect(await world.core.handle({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: true });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Open the message inspector' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Home' }).click();
  await allApps(page).getByRole('button', { name: 'Probe', exact: true }).click();
  await expect.poll(() => world.core.inspectorHeld().entries).toBeGreaterThan(0);
  // Reloaded with the panel open: the new page has no panel, and the core records nothing more.
  await page.reload();
  // The running app comes back in front, loaded anew.
  await expect(page.getByRole('button', { name: 'Inspect messages' })).toBeVisible();
  const probe = await appFrame(page, 'probe');
  await world.core.handle({ type: 'inspectorClear' });
  await send(probe, { mt: 'getLogin', app: 'probe', challenge: 'after-reload' });
  await expect.poll(async () => (await received(probe, 'Login')).length).toBeGreaterThan(0);
  expect(world.core.inspectorHeld().entries).toBe(0);
  // Positive control: a panel opened in the new page records the same exchange.
  await page.getByRole('button', { name: 'Inspect messages' }).click();
  await send(probe, { mt: 'getLogin', app: 'probe', challenge: 'panel-again' });
  await expect.poll(() => world.core.inspectorHeld().entries).toBeGreaterThan(0);
});

test('the apps’ console in the panel: the Console sample’s lines, hidden when only messages are shown, narrowed to one level', async ({ page, world }) => {
  const sample = await startWithSampleApps(world, page, {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: ['echo', 'console'] }],
    appObjects: [sampleAppObject('echo', 'Echo'), sampleAppObject('console', 'Console')],
  });
  try {
    expect(await world.core.handle({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: true });
    await allApps(page).getByRole('button', { name: 'Console' }).click();
    const app = page.frameLocator('iframe[title="Console"]').frameLocator('iframe[title="Console"]');
    await expect(app.getByText('Capture: posted')).toBeVisible();
    await page.getByRole('button', { name: 'Inspect messages' }).click();
    const panel = page.getByRole('complementary', { name: 'Message inspector' });
    const rows = panel.getByRole('list', { name: 'Messages' }).getByRole('listitem');
    await app.getByRole('button', { name: 'Log again' }).click();
    await expect(rows.filter({ hasText: 'console.warn Console sample warn round 2' })).toHaveCount(1);
    await expect(rows.filter({ hasText: 'round 2' })).toHaveCount(6);
    await panel.getByLabel('Show').selectOption('message');
    await expect(rows.filter({ hasText: 'round 2' })).toHaveCount(0);
    await panel.getByLabel('Show').selectOption('console');
    await expect(rows.filter({ hasText: 'round 2' })).toHaveCount(6);
    await panel.getByLabel('Console level').selectOption('warn');
    await expect(rows).toHaveCount(1);
    await rows.getByRole('button').click();
    await expect(panel.getByRole('region', { name: 'Selected message' }).locator('pre')).toContainText('Console sample warn round 2');
  } finally {
    await sample.close();
  }
});
