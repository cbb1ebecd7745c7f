/**
 * Apps in windows of their own (main/core/apps/pop-out.ts), as the core decides them for both
 * shells: ClientCore logged in to the PBX emulator, app-frame pages played by the test.
 * - browser shell (`reload`): the app saves its state (PrepareReload), then a page in the other
 *   window loads it with what it saved; the old page is no longer heard; its login still works;
 *   an app that does not answer moves anyway; a closed window docks at once.
 * - a shell with views of its own (`move`, Electron): the view moves, nothing is asked of the app;
 *   asked again, its window comes to the front.
 * - where each App Object's window was is remembered in settings.json, without a prototype, and a
 *   bad entry there is reported on its own and loses nothing else.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunningApp, Snapshot } from '../../main/core/bridge/views.js';
import type { ClientCore } from '../../main/core/client/client.js';
import type { ShellPort } from '../../main/core/client/shell-port.js';
import { ConfigService } from '../../main/core/config/config-service.js';
import { emptySettingsFile } from '../../main/core/config/settings.js';
import WebSocket from 'ws';
import { webBridgePath, webPopOutParam } from '../../main/core/bridge/channels.js';
import { createWebShell, type WebShell } from '../../main/web/server.js';
import { FakeView, appsConfig, cleanups, openView, setup, until } from '../support/core-apps.js';

const appOf = (s: Snapshot, viewId: string): RunningApp | undefined => s.runningApps.find((a) => a.viewId === viewId);

/** A logged-in core (`options` as `setup` takes them) with Contacts running in the main window. */
async function withContacts(options: Parameters<typeof setup>[0] = {}) {
  const { core, dir } = await setup(options);
  const main = await openView(core, 'contacts');
  await until(core, (s) => appOf(s, main.viewId)?.state === 'alive');
  return { core, dir, main };
}

/** Browser shell: pop Contacts out, the app answering PrepareReload; its page in its own window, alive. */
async function poppedOut(core: ClientCore, main: FakeView): Promise<FakeView> {
  await core.handle({ type: 'popOutApp', viewId: main.viewId });
  await main.next((m) => m.mt === 'PrepareReload');
  main.post({ mt: 'PrepareReloadComplete' });
  await until(core, (s) => appOf(s, main.viewId)?.poppedOut === true);
  const own = new FakeView(core, main.viewId);
  own.post({ mt: 'Alive' });
  await until(core, (s) => appOf(s, main.viewId)?.state === 'alive');
  return own;
}

describe('browser shell: the app moves by a reload after PrepareReload', () => {
  it('pop out: PrepareReload, the state it saves comes back in the new page; the old page is no longer heard; its login still works', async () => {
    const { core, main } = await withContacts();
    const before = appOf(core.snapshot(), main.viewId)!;
    expect(before).toMatchObject({ poppedOut: false });
    expect(before.moving).toBeUndefined();

    expect(await core.handle({ type: 'popOutApp', viewId: main.viewId })).toEqual({ ok: true });
    await main.next((m) => m.mt === 'PrepareReload');
    // Saving: still in the main window until the app says it is done.
    expect(appOf(core.snapshot(), main.viewId)).toMatchObject({ poppedOut: false, moving: 'out', state: 'alive' });
    main.post({ mt: 'Action', type: 'SetArgs', args: { draft: 'hello' } });
    main.post({ mt: 'PrepareReloadComplete' });
    const out = await until(core, (s) => appOf(s, main.viewId)?.poppedOut === true);
    expect(appOf(out, main.viewId)).toMatchObject({ poppedOut: true, state: 'starting', frameEpoch: before.frameEpoch + 1 });
    expect(appOf(out, main.viewId)!.moving).toBeUndefined();

    // The page of the new window attaches to the same view and loads the app with what it saved.
    const own = new FakeView(core, main.viewId);
    const load = await own.frame((f) => f.kind === 'load');
    expect(load.kind === 'load' && new URL(load.url).searchParams.get('draft')).toBe('hello');
    // The old page (its window still tearing down) is not heard: its badge does not show; the new page's
    // does, at once (the core takes a frame synchronously: the control that the first would have shown).
    main.post({ mt: 'Action', type: 'SetBadge', value: 5 });
    expect(appOf(core.snapshot(), main.viewId)!.badge).toBeUndefined();
    own.post({ mt: 'Alive' });
    own.post({ mt: 'Action', type: 'SetBadge', value: 7 });
    expect(appOf(core.snapshot(), main.viewId)!.badge).toBe('7');
    // The same instance: it logs in as before (AppGetLogin at the PBX), in its own window.
    own.post({ mt: 'getLogin', app: 'contacts', challenge: '0123456789abcdef' });
    const login = await own.next((m) => m.mt === 'Login');
    expect(login).toMatchObject({ mt: 'Login', sip: 'alice', pbxObj: 'contacts' });
    expect(login.error).toBeUndefined();
    expect(main.posted.some((m) => m.mt === 'Login')).toBe(false);
  });

  it('dock back: PrepareReload in its own window, then a new page in the main window; an app that does not answer moves anyway', async () => {
    const { core, main } = await withContacts({ core: { idleUnload: { prepareReloadTimeoutMs: 100 } } });
    expect(await core.handle({ type: 'popOutApp', viewId: main.viewId })).toEqual({ ok: true });
    await main.next((m) => m.mt === 'PrepareReload');
    // No answer: moved when the time is up.
    await until(core, (s) => appOf(s, main.viewId)?.poppedOut === true);
    const own = new FakeView(core, main.viewId);
    own.post({ mt: 'Alive' });
    await until(core, (s) => appOf(s, main.viewId)?.state === 'alive');

    expect(await core.handle({ type: 'dockApp', viewId: main.viewId })).toEqual({ ok: true });
    await own.next((m) => m.mt === 'PrepareReload');
    expect(appOf(core.snapshot(), main.viewId)).toMatchObject({ poppedOut: true, moving: 'in' });
    own.post({ mt: 'PrepareReloadComplete' });
    const docked = await until(core, (s) => appOf(s, main.viewId)?.poppedOut === false);
    expect(appOf(docked, main.viewId)).toMatchObject({ state: 'starting' });
    const back = new FakeView(core, main.viewId);
    expect(await back.frame((f) => f.kind === 'load')).toMatchObject({ kind: 'load' });
    // Docking an app that is docked changes nothing.
    expect(await core.handle({ type: 'dockApp', viewId: main.viewId })).toEqual({ ok: true });
    expect(back.posted.some((m) => m.mt === 'PrepareReload')).toBe(false);
  });

  it('its window closed: docked at once, without asking the app; the app keeps running (not closed), and stays loaded while out', async () => {
    const { core, main } = await withContacts();
    const own = await poppedOut(core, main);
    // In a window of its own it is on screen: never unloaded as idle.
    await core.handle({ type: 'showApp' });
    expect(await core.handle({ type: 'unloadApp', viewId: main.viewId })).toEqual({ ok: false, error: '“Contacts” stays loaded: it is in a window of its own.' });

    const epoch = appOf(core.snapshot(), main.viewId)!.frameEpoch;
    core.popOutWindowClosed(main.viewId);
    expect(appOf(core.snapshot(), main.viewId)).toMatchObject({ poppedOut: false, state: 'starting', frameEpoch: epoch + 1 });
    expect(own.posted.filter((m) => m.mt === 'PrepareReload')).toHaveLength(0);
    expect(core.snapshot().runningApps.map((a) => a.viewId)).toEqual([main.viewId]);
  });

  it('a window closed while the app is still saving to go out: it stays and loads again where it is', async () => {
    const { core, main } = await withContacts();
    await core.handle({ type: 'popOutApp', viewId: main.viewId });
    await main.next((m) => m.mt === 'PrepareReload');
    core.popOutWindowClosed(main.viewId);
    expect(appOf(core.snapshot(), main.viewId)).toMatchObject({ poppedOut: false, moving: 'in' });
    const loads = main.frames.filter((f) => f.kind === 'load').length;
    main.post({ mt: 'PrepareReloadComplete' });
    // It prepared for a reload: it gets one, in the same page (no new page, no move).
    await main.frame(() => main.frames.filter((f) => f.kind === 'load').length > loads);
    expect(appOf(core.snapshot(), main.viewId)).toMatchObject({ poppedOut: false, state: 'starting' });
    expect(appOf(core.snapshot(), main.viewId)!.moving).toBeUndefined();
  });

  it('refused: an unknown view, a hidden provider', async () => {
    const { core } = await setup();
    expect(await core.handle({ type: 'popOutApp', viewId: 'nope' })).toEqual({ ok: false, error: 'No such app view.' });
    const consumer = await openView(core, 'consumer');
    consumer.post({ mt: 'ConsumeApi', api: 'com.example.lazy' });
    consumer.post({ mt: 'ApiRequest', api: 'com.example.lazy', src: '1', msg: {} });
    const lazy = (await until(core, (s) => s.runningApps.some((a) => a.name === 'lazy'))).runningApps.find((a) => a.name === 'lazy')!;
    expect(await core.handle({ type: 'popOutApp', viewId: lazy.viewId })).toEqual({ ok: false, error: '“Lazy provider” runs in the background and has no window.' });
  });
});

describe("browser shell: the bridge connection of an app's own window", () => {
  /** A bridge socket as the page of an app's own window opens it (`popout` given); resolves when open, or with the refusal's status. */
  function connect(shell: WebShell, popout: string): Promise<{ ws: WebSocket } | { status: number }> {
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}${webBridgePath}?token=${encodeURIComponent(shell.token)}&${webPopOutParam}=${encodeURIComponent(popout)}`, { origin: shell.origin });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ ws }));
      ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
      ws.once('error', reject);
    });
  }

  it('closing it docks the app (the window went); a malformed view is refused before anything is asked', async () => {
    const { core, main: view } = await withContacts();
    const shell = await createWebShell({ host: core, rendererDir: join(tmpdir(), 'no-renderer-build') });
    cleanups.push(() => shell.close());
    expect(await connect(shell, 'x'.repeat(129))).toEqual({ status: 404 });

    await poppedOut(core, view);
    const window = await connect(shell, view.viewId);
    if (!('ws' in window)) throw new Error(`refused: ${window.status}`);
    expect(appOf(core.snapshot(), view.viewId)?.poppedOut).toBe(true);
    window.ws.close();
    await until(core, (s) => appOf(s, view.viewId)?.poppedOut === false);
  });
});

describe('a shell with views of its own: the view moves, the app is asked nothing', () => {
  function movingShell() {
    const focused: string[] = [];
    const shell: ShellPort = { view: { appViews: 'native', appDevTools: 'open' }, permissionGate: 'session', placeAppView: () => {}, popOutWindows: { focus: (viewId) => void focused.push(viewId) } };
    return { shell, focused };
  }

  it('pop out and dock at once, on the same page; asked again, its window comes to the front; closing its window docks', async () => {
    const { shell, focused } = movingShell();
    const { core, main: view } = await withContacts({ core: { shell } });
    const epoch = appOf(core.snapshot(), view.viewId)!.frameEpoch;
    expect(await core.handle({ type: 'popOutApp', viewId: view.viewId })).toEqual({ ok: true });
    expect(appOf(core.snapshot(), view.viewId)).toMatchObject({ poppedOut: true, state: 'alive', frameEpoch: epoch });
    expect(focused).toEqual([]);
    expect(await core.handle({ type: 'popOutApp', viewId: view.viewId })).toEqual({ ok: true });
    expect(focused).toEqual([view.viewId]);
    // Still the same page: it is heard, and it was never asked to save or reloaded.
    view.post({ mt: 'Action', type: 'SetBadge', value: 3 });
    await until(core, (s) => appOf(s, view.viewId)?.badge === '3');
    expect(await core.handle({ type: 'dockApp', viewId: view.viewId })).toEqual({ ok: true });
    expect(appOf(core.snapshot(), view.viewId)).toMatchObject({ poppedOut: false, state: 'alive', frameEpoch: epoch });
    await core.handle({ type: 'popOutApp', viewId: view.viewId });
    core.popOutWindowClosed(view.viewId);
    expect(appOf(core.snapshot(), view.viewId)).toMatchObject({ poppedOut: false, state: 'alive', frameEpoch: epoch });
    expect(view.posted.some((m) => m.mt === 'PrepareReload')).toBe(false);
    expect(view.frames.filter((f) => f.kind === 'load')).toHaveLength(1);
  });

  it('native views without windows for apps: popping out is refused, saying why', async () => {
    const shell: ShellPort = { view: { appViews: 'native', appDevTools: 'open' }, permissionGate: 'session' };
    const { core } = await setup({ core: { shell } });
    const view = await openView(core, 'contacts');
    expect(await core.handle({ type: 'popOutApp', viewId: view.viewId })).toEqual({ ok: false, error: 'Apps cannot have windows of their own in this version of myApps.' });
  });
});

describe('where each app window was', () => {
  it('remembered per App Object in settings.json (an App Object named __proto__ too), shown with the running app', async () => {
    const config = appsConfig();
    config.appObjects.push({ name: '__proto__', title: 'Proto', password: 'p', url: 'http://127.0.0.1:9/apps/proto/proto' } as never);
    config.users[0]!.apps.push('__proto__');
    const { core, dir } = await setup({ config });
    const proto = await openView(core, '__proto__');
    const contacts = await openView(core, 'contacts');
    expect(await core.handle({ type: 'savePopOutBounds', viewId: proto.viewId, bounds: { x: -1200, y: 40, width: 640, height: 480 } })).toEqual({ ok: true });
    expect(await core.handle({ type: 'savePopOutBounds', viewId: contacts.viewId, bounds: { x: 10.4, y: 20, width: 400, height: 300 } })).toEqual({ ok: true });
    expect(appOf(core.snapshot(), proto.viewId)!.popOutBounds).toEqual({ x: -1200, y: 40, width: 640, height: 480 });
    expect(appOf(core.snapshot(), contacts.viewId)!.popOutBounds).toEqual({ x: 10, y: 20, width: 400, height: 300 });
    // Bad input from the UI is refused at the bridge, naming the field.
    expect(await core.handle({ type: 'savePopOutBounds', viewId: contacts.viewId, bounds: { x: 0, y: 0, width: 0, height: 300 } })).toMatchObject({ ok: false, error: expect.stringContaining('savePopOutBounds.bounds.width') });

    const onDisk = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { popOutWindows: Record<string, unknown> };
    expect(Object.getPrototypeOf(onDisk.popOutWindows)).toBe(Object.prototype);
    expect(Object.keys(onDisk.popOutWindows)).toEqual(['__proto__', 'contacts']);
    const again = await ConfigService.open({ dir, policyFile: join(dir, 'policy.json') });
    expect(again.problems).toEqual([]);
    expect(again.popOutWindows.get('__proto__')).toEqual({ x: -1200, y: 40, width: 640, height: 480 });
    expect(Object.getPrototypeOf(again.settingsFile.popOutWindows)).toBeNull();
    expect(again.popOutWindows.get('constructor')).toBeUndefined();
  });

  it('a bad entry in the settings file: a clear error naming it, the other windows and settings kept, the original backed up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'myapps-popout-'));
    const file = {
      ...emptySettingsFile(),
      settings: { scheme: 'dark' },
      popOutWindows: { contacts: { x: 1, y: 2, width: 300, height: 200 }, echo: { x: 'left', y: 2, width: 300, height: 200 }, chat: { x: 1, y: 2, width: -5, height: 200 }, phone: [1, 2] },
    };
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(file));
    const config = await ConfigService.open({ dir, policyFile: join(dir, 'policy.json') });
    expect(config.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'popOutWindows.echo.x', reason: expect.stringMatching(/number/), severity: 'warning' }),
        expect.objectContaining({ field: 'popOutWindows.chat.width', reason: 'expected a whole number from 1 to 100000' }),
        expect.objectContaining({ field: 'popOutWindows.phone', reason: expect.stringMatching(/object/) }),
      ]),
    );
    expect([...config.popOutWindows]).toEqual([['contacts', { x: 1, y: 2, width: 300, height: 200 }]]);
    expect(config.userSettings.scheme).toBe('dark');
    expect(readdirSync(dir).some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
  });
});
