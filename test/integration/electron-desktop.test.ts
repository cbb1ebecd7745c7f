/**
 * The desktop citizen, wired: the BUILT main process (dist/main/electron/main.js) against the
 * recording stand-in of Electron (test/support/electron-stand-in), with the real core and the
 * PBX emulator. The tray and running in the background, the badge roll-up on each OS,
 * OS notifications answered to the app, click-to-dial from the OS and from apps, presence from
 * idle and the screen lock, autostart per setting and policy, the window's place per display,
 * and updates. Windows and macOS run here as `platform` of the stand-in (README there: "Another
 * OS"). The decisions themselves are unit-tested (test/unit/electron-*.test.ts); this checks
 * they are applied. The stand-in is not Electron: test/e2e-electron runs the real one.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import { emptySettingsFile } from '../../main/core/config/settings.js';
import { BACKGROUND_HINT } from '../../main/electron/background.js';
import { APP_USER_MODEL_ID } from '../../main/electron/instance.js';
import { SHELL_ORIGIN } from '../../main/electron/navigation.js';
import { PbxEmulator } from '../pbx/index.js';
import { type BootOptions, type IpcSender, type MainProcess, appPosted, bootMain, ensureAppBuilt, isLoggedInEvent, repoRoot } from '../support/electron-stand-in/harness.js';
import { appsConfig } from '../support/core-apps.js';

const SHELL_PAGE = `${SHELL_ORIGIN}/index.html`;
const BUILD_TIMEOUT_MS = 120_000;
/** Tests that boot the main process (more than once, some): room for a busy machine. */
const BOOT_TEST_TIMEOUT_MS = 60_000;
const TRAY_DIR = join(repoRoot, 'assets', 'tray');

const running: MainProcess[] = [];
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(running.map((m) => m.stop()));
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

beforeAll(async () => {
  await ensureAppBuilt();
}, BUILD_TIMEOUT_MS);

/** A temp folder of the test's own (kept across boots), removed at the end. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

interface Desktop {
  main: MainProcess;
  win: { windowId: number; webContentsId: number };
  trusted: IpcSender;
  command(command: object): Promise<{ ok: boolean; value?: unknown; error?: string }>;
  /** The shell's snapshot, as the UI gets it. */
  snapshot(): Promise<Record<string, unknown>>;
  trayId(): number;
}

/** Boot, take the main window, let its page be ready (so it is shown unless started hidden). */
async function boot(options: BootOptions = {}, { readyToShow = true } = {}): Promise<Desktop> {
  const main = await bootMain(options);
  running.push(main);
  const win = await main.mainWindow();
  if (readyToShow) await main.emitWindow(win.windowId, 'ready-to-show');
  const trusted: IpcSender = { webContentsId: win.webContentsId, frame: { url: SHELL_PAGE, isMainFrame: true } };
  const command = (c: object) => main.invoke(ipcChannels.command, trusted, c) as Promise<{ ok: boolean; value?: unknown; error?: string }>;
  return {
    main,
    win,
    trusted,
    command,
    snapshot: async () => (await command({ type: 'getSnapshot' })).value as Record<string, unknown>,
    trayId: () => main.ofKind('tray.created').at(-1)!.trayId,
  };
}

async function login(d: Desktop, pbx: PbxEmulator): Promise<void> {
  expect(await d.command({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false })).toEqual({ ok: true });
  await d.main.waitFor('webContents.send', (s) => s.channel === ipcChannels.event && isLoggedInEvent(s.args[0]), 10_000);
  // Apps can be opened once the PBX has listed them.
  await expect.poll(async () => ((await d.snapshot()).apps as { tiles?: unknown[] } | undefined)?.tiles?.length ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
}

const windowCalls = (d: Desktop, after = 0) => d.main.ofKind('window.call').filter((c) => c.windowId === d.win.windowId && c.seq > after).map((c) => c.method);
const lastSeq = (d: Desktop) => d.main.records.at(-1)!.seq;
const imagePath = (image: unknown) => (image as { path?: string } | null)?.path;

/** Open an app and play its app-frame page over the IPC relay (hello, then the app's messages). */
async function attachApp(d: Desktop, name: string) {
  const opened = await d.command({ type: 'openApp', link: name });
  expect(opened).toMatchObject({ ok: true });
  return playView(d, (opened.value as { viewId: string }).viewId);
}

/** The app-frame page of a view the shell created (by view id): its IPC sender, up and down. */
async function playView(d: Desktop, viewId: string) {
  const load = await d.main.waitFor('webContents.loadURL', (l) => l.url.endsWith(`?view=${encodeURIComponent(viewId)}`), 10_000);
  const sender: IpcSender = { webContentsId: load.webContentsId, frame: { url: load.url } };
  const up = (frame: object) => d.main.sendIpc(ipcChannels.appFrameUp, sender, JSON.stringify(frame));
  await up({ kind: 'hello' });
  const post = (msg: object) => up({ kind: 'message', text: JSON.stringify(msg) });
  const posted = (pred: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000) => appPosted(d.main, load.webContentsId, pred, { timeoutMs });
  await post({ mt: 'Alive' });
  return { webContentsId: load.webContentsId, pageUrl: load.url, post, posted };
}

describe('Linux: tray, background, badges, notifications, presence (logged in as alice)', () => {
  let pbx: PbxEmulator;
  let d: Desktop;

  beforeAll(async () => {
    pbx = await PbxEmulator.start({ config: appsConfig(), port: 0, tls: false });
    d = await boot();
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await d?.main.stop();
    await pbx?.stop();
  });

  it('a tray icon with its tooltip and menu; presence waits for the login', async () => {
    const created = await d.main.waitFor('tray.created');
    expect(created.beforeReady).toBe(false);
    expect(imagePath(created.image)).toBe(join(TRAY_DIR, 'tray.png'));
    const tray = (await d.main.state()).trays.find((t) => t.id === created.trayId)!;
    expect(tray.toolTip).toBe('myApps Desktop');
    expect(tray.contextMenu!.map((i) => i.label ?? i.type)).toEqual(['Open myApps', 'separator', 'Available', 'Away', 'Busy', 'Do not disturb', 'separator', 'Quit']);
    expect(tray.contextMenu!.filter((i) => i.type === 'radio').every((i) => !i.enabled)).toBe(true);
    expect(await d.main.clickTrayMenuItem(d.trayId(), ['Busy'])).toBe(false);
  });

  it('logged in: the badge sum on the launcher (Linux), in the tray icon and tooltip', async () => {
    await login(d, pbx);
    // badger starts with a badge of 3 (session-config.ts).
    await d.main.waitFor('app.call', (c) => c.method === 'setBadgeCount' && c.args?.[0] === 3, 10_000);
    const trayCall = (method: string, pred: (args: unknown[]) => boolean) => d.main.waitFor('tray.call', (c) => c.trayId === d.trayId() && c.method === method && pred(c.args));
    await trayCall('setImage', (a) => imagePath(a[0]) === join(TRAY_DIR, 'tray-badge.png'));
    await trayCall('setToolTip', (a) => a[0] === 'myApps Desktop (3 new)');
    pbx.setBadge('badger', 0);
    await d.main.waitFor('app.call', (c) => c.method === 'setBadgeCount' && c.args?.[0] === 0, 10_000);
    await trayCall('setImage', (a) => imagePath(a[0]) === join(TRAY_DIR, 'tray.png'));
    expect(d.main.ofKind('app.dock')).toEqual([]); // no dock on Linux
  });

  it('presence from the tray: the choice goes to the PBX and the menu shows it', async () => {
    const menu = async () => (await d.main.state()).trays.find((t) => t.id === d.trayId())!.contextMenu!;
    await expect.poll(async () => (await menu()).filter((i) => i.type === 'radio').every((i) => i.enabled)).toBe(true);
    expect(await d.main.clickTrayMenuItem(d.trayId(), ['Do not disturb'])).toBe(true);
    await pbx.waitFor('SetOwnPresence', (m) => m.activity === 'dnd');
    await expect.poll(async () => (await menu()).find((i) => i.label === 'Do not disturb')?.checked, { timeout: 5000 }).toBe(true);
    expect(await d.main.clickTrayMenuItem(d.trayId(), ['Available'])).toBe(true);
    await pbx.waitFor('SetOwnPresence', (m) => m.activity === '');
  });

  it('an app notification pops up in the OS; a click is answered to the app and brings the window up', async () => {
    const app = await attachApp(d, 'consumer');
    await app.post({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', provider: '*', src: 'n1', msg: { mt: 'AddLocalNotification', type: 'Default', title: 'Hello', text: 'World' } });
    const created = await d.main.waitFor('notification.created', (n) => n.options.title === 'Hello');
    expect(created.options).toMatchObject({ title: 'Hello', body: 'World', icon: { $ref: 'nativeImage', path: join(repoRoot, 'assets', 'icon.png') } });
    await d.main.waitFor('notification.call', (c) => c.notificationId === created.notificationId && c.method === 'show');
    await d.main.windowAction(d.win.windowId, 'minimize');
    const seq = lastSeq(d);
    await d.main.emit('notification', 'click', { id: created.notificationId });
    await app.posted((m) => m.mt === 'ApiResult' && m.src === 'n1' && (m.msg as { mt?: string }).mt === 'LocalNotificationClicked');
    expect(windowCalls(d, seq)).toEqual(expect.arrayContaining(['restore', 'focus']));
    // The core dropped it: the OS notification is closed too.
    await d.main.waitFor('notification.call', (c) => c.notificationId === created.notificationId && c.method === 'close');
  });

  it('while in do-not-disturb a notification is listed in the window only', async () => {
    expect(await d.command({ type: 'setPresence', activity: 'dnd', note: '' })).toEqual({ ok: true });
    await expect.poll(async () => ((await d.snapshot()).ownPresence as { activity: string }).activity).toBe('dnd');
    const app = await attachApp(d, 'consumer');
    const before = d.main.ofKind('notification.created').length;
    await app.post({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', provider: '*', src: 'quiet', msg: { mt: 'AddLocalNotification', title: 'Quiet', text: 'x' } });
    await expect.poll(async () => ((await d.snapshot()).notifications as { title: string; popup: boolean }[]).filter((n) => n.title === 'Quiet').map((n) => n.popup)).toEqual([false]);
    // Control: back to available, the next one pops up; the quiet one never did.
    expect(await d.command({ type: 'setPresence', activity: '', note: '' })).toEqual({ ok: true });
    await expect.poll(async () => ((await d.snapshot()).ownPresence as { activity: string }).activity).toBe('');
    await app.post({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', provider: '*', src: 'loud', msg: { mt: 'AddLocalNotification', title: 'Loud', text: 'x' } });
    await d.main.waitFor('notification.created', (n) => n.options.title === 'Loud');
    expect(d.main.ofKind('notification.created').slice(before).map((n) => n.options.title)).toEqual(['Loud']);
  });

  it('idle for five minutes: SetUserActivity{inactive:true} reaches the PBX; back: inactive:false', async () => {
    await d.main.setIdle({ idleTime: 301 });
    expect((await pbx.waitFor('SetUserActivity', (m) => m.inactive === true, 8000)).msg).toEqual({ mt: 'SetUserActivity', inactive: true });
    await d.main.setIdle({ idleTime: 0 });
    await pbx.waitFor('SetUserActivity', (m) => m.inactive === false, 8000);
    // The screen lock counts at once, without waiting for the poll.
    const count = pbx.framesOf('SetUserActivity').length;
    await d.main.emit('powerMonitor', 'lock-screen');
    await pbx.waitFor('SetUserActivity', (m) => m.inactive === true && pbx.framesOf('SetUserActivity').length > count, 1000);
    await d.main.emit('powerMonitor', 'unlock-screen');
    await pbx.waitFor('SetUserActivity', (m) => m.inactive === false && pbx.framesOf('SetUserActivity').length > count + 1, 1000);
  }, 30_000);

  it('resume from sleep and the network coming back reconnect now', async () => {
    await d.main.emit('powerMonitor', 'resume');
    await d.main.waitForLog((e) => e.message === 'resumed from sleep: reconnecting now');
    await d.main.setOnline(false);
    // One poll (5 s) sees it offline, the next sees it back.
    await new Promise((r) => setTimeout(r, 5500));
    await d.main.setOnline(true);
    await d.main.waitForLog((e) => e.message === 'the network is back: reconnecting now', 6000);
  }, 30_000);

  it('closing the window hides it and the client keeps running; the first time, said once in an OS notification', async () => {
    const seq = lastSeq(d);
    const closed = await d.main.windowAction(d.win.windowId, 'close');
    expect(closed).toBe(false); // the close was prevented
    expect(windowCalls(d, seq)).toContain('hide');
    const state = (await d.main.state()).windows.find((w) => w.id === d.win.windowId)!;
    expect(state.visible).toBe(false);
    const hint = await d.main.waitFor('notification.created', (n) => n.options.body === BACKGROUND_HINT.body);
    expect(hint.seq).toBeGreaterThan(seq);
    await expect.poll(() => JSON.parse(readFileSync(join(d.main.dirs.userData, 'settings.json'), 'utf8')).shellState?.trayHintShown).toBe(true);
    // The tray brings it back; a second close hides without a word.
    await d.main.emit('tray', 'click', { id: d.trayId() });
    expect((await d.main.state()).windows.find((w) => w.id === d.win.windowId)).toMatchObject({ visible: true, focused: true });
    await d.main.windowAction(d.win.windowId, 'close');
    expect(d.main.ofKind('notification.created').filter((n) => n.options.body === BACKGROUND_HINT.body)).toHaveLength(1);
    expect(d.main.ofKind('app.call').filter((c) => c.seq > seq && c.method === 'quit')).toEqual([]);
    await d.main.clickTrayMenuItem(d.trayId(), ['Open myApps']);
    expect((await d.main.state()).windows.find((w) => w.id === d.win.windowId)).toMatchObject({ visible: true });
  });

  it('Quit in the tray really quits: the window closes and the process ends', async () => {
    expect(await d.main.clickTrayMenuItem(d.trayId(), ['Quit'])).toBe(true);
    const exit = await d.main.exited;
    expect(exit.code).toBe(0);
    expect(d.main.ofKind('window.closed').map((c) => c.windowId)).toContain(d.win.windowId);
    expect(d.main.ofKind('tray.call')).toContainEqual(expect.objectContaining({ method: 'destroy' }));
    expect(d.main.uncaught()).toEqual([]);
  });
});

describe('Windows (platform win32)', () => {
  let pbx: PbxEmulator;
  let d: Desktop;

  beforeAll(async () => {
    pbx = await PbxEmulator.start({ config: appsConfig(), port: 0, tls: false });
    d = await boot({ platform: 'win32' });
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await d?.main.stop();
    await pbx?.stop();
  });

  it('the AppUserModelId of the installer, before ready, so toasts work', () => {
    expect(d.main.ofKind('app.call').filter((c) => c.method === 'setAppUserModelId')).toEqual([expect.objectContaining({ args: [APP_USER_MODEL_ID], beforeReady: true })]);
  });

  it('the badge sum as the taskbar overlay', async () => {
    await login(d, pbx);
    const overlay = await d.main.waitFor('window.call', (c) => c.method === 'setOverlayIcon' && c.args[1] === '3 new', 10_000);
    expect(imagePath(overlay.args[0])).toBe(join(repoRoot, 'assets', 'badges', 'badge-3.png'));
    pbx.setBadge('badger', 12);
    expect(imagePath((await d.main.waitFor('window.call', (c) => c.method === 'setOverlayIcon' && c.args[1] === '12 new', 10_000)).args[0])).toBe(join(repoRoot, 'assets', 'badges', 'badge-9plus.png'));
    pbx.setBadge('badger', 0);
    await d.main.waitFor('window.call', (c) => c.method === 'setOverlayIcon' && c.args[0] === null && c.args[1] === '', 10_000);
    expect(d.main.ofKind('app.call').filter((c) => c.method === 'setBadgeCount')).toEqual([]);
  });

  it('a call notification with Accept and Reject; Accept is answered to the app as accept', async () => {
    const app = await attachApp(d, 'consumer');
    await app.post({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', provider: '*', src: 'call1', msg: { mt: 'AddLocalNotification', type: 'PhoneCall', title: 'Bob calls', text: '+49 30 1234', acceptTitle: 'Take it' } });
    const created = await d.main.waitFor('notification.created', (n) => n.options.title === 'Bob calls');
    expect(created.options).toMatchObject({ actions: [{ type: 'button', text: 'Take it' }, { type: 'button', text: 'Reject' }], timeoutType: 'never', urgency: 'critical' });
    await d.main.emit('notification', 'action', { id: created.notificationId, fields: { actionIndex: 0, selectionIndex: -1 }, args: [0, -1] });
    const answer = await app.posted((m) => m.mt === 'ApiResult' && m.src === 'call1');
    expect(answer).toMatchObject({ msg: { mt: 'LocalNotificationClicked', action: 'accept' } });
  });

  it('closing hides, with the hint once; window-all-closed does not quit', async () => {
    await d.main.windowAction(d.win.windowId, 'close');
    await d.main.waitFor('notification.created', (n) => n.options.body === BACKGROUND_HINT.body);
    await d.main.emitApp('window-all-closed');
    expect(d.main.ofKind('app.call').filter((c) => c.method === 'quit')).toEqual([]);
  });
});

describe('macOS (platform darwin)', () => {
  let pbx: PbxEmulator;
  let d: Desktop;

  beforeAll(async () => {
    pbx = await PbxEmulator.start({ config: appsConfig(), port: 0, tls: false });
    d = await boot({ platform: 'darwin' });
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await d?.main.stop();
    await pbx?.stop();
  });

  it('the dock badge and the template tray images', async () => {
    expect(imagePath((await d.main.waitFor('tray.created')).image)).toBe(join(TRAY_DIR, 'trayTemplate.png'));
    await login(d, pbx);
    await d.main.waitFor('app.dock', (c) => c.method === 'setBadge' && c.args?.[0] === '3', 10_000);
    await d.main.waitFor('tray.call', (c) => c.method === 'setImage' && imagePath(c.args[0]) === join(TRAY_DIR, 'trayBadgeTemplate.png'));
    pbx.setBadge('badger', 150);
    await d.main.waitFor('app.dock', (c) => c.method === 'setBadge' && c.args?.[0] === '99+', 10_000);
  });

  it('a chat message offers an inline reply; the reply goes to the app', async () => {
    const app = await attachApp(d, 'consumer');
    await app.post({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', provider: '*', src: 'chat1', msg: { mt: 'AddLocalNotification', type: 'ChatMessage', title: 'Bob', text: 'Lunch?' } });
    const created = await d.main.waitFor('notification.created', (n) => n.options.title === 'Bob');
    expect(created.options).toMatchObject({ hasReply: true, replyPlaceholder: 'Reply' });
    await d.main.emit('notification', 'reply', { id: created.notificationId, fields: { reply: 'Sure' }, args: ['Sure'] });
    const answer = await app.posted((m) => m.mt === 'ApiResult' && m.src === 'chat1');
    expect(answer).toMatchObject({ msg: { mt: 'LocalNotificationClicked', action: 'reply', replyText: 'Sure' } });
  });

  it('dock conventions: closing hides without a hint, a dock click brings it back, Cmd+Q quits', async () => {
    const seq = lastSeq(d);
    await d.main.windowAction(d.win.windowId, 'close');
    expect(windowCalls(d, seq)).toContain('hide');
    await d.main.emitApp('activate', false);
    expect((await d.main.state()).windows.find((w) => w.id === d.win.windowId)).toMatchObject({ visible: true, focused: true });
    expect(d.main.ofKind('notification.created').filter((n) => n.options.body === BACKGROUND_HINT.body)).toEqual([]);
    // Cmd+Q (the app menu's quit role) is app.quit(): a real quit, the window closes.
    await d.main.quit();
    expect((await d.main.exited).code).toBe(0);
    expect(d.main.ofKind('window.closed').map((c) => c.windowId)).toContain(d.win.windowId);
  });
});

describe('click-to-dial: every link ends at the core as followLink', { timeout: BOOT_TEST_TIMEOUT_MS }, () => {
  it('tel: on the command line before login waits, and after login the phone app dials it', async () => {
    const pbx = await PbxEmulator.start({ config: appsConfig(), port: 0, tls: false });
    try {
      const d = await boot({ args: ['--', 'tel:+49 (30) 1234-56'] });
      await d.main.waitForLog((e) => e.message === 'a link waits for the login' && e.kind === 'call');
      await d.main.waitForLog((e) => e.message === 'a link was handed to the core' && e.scheme === 'tel');
      await login(d, pbx);
      // The core starts the phone app (hidden) for the call; its page registers the phone API and gets the call.
      const started = await d.main.waitFor('webContents.send', (s) => s.channel === ipcChannels.event && ((s.args[0] as { runningApps?: { name: string }[] }).runningApps ?? []).some((a) => a.name === 'softphone'), 10_000);
      const viewId = (started.args[0] as { runningApps: { name: string; viewId: string }[] }).runningApps.find((a) => a.name === 'softphone')!.viewId;
      const phone = await playView(d, viewId);
      await phone.post({ mt: 'RegisterApi', api: 'com.innovaphone.phone' });
      const request = await phone.posted((m) => m.mt === 'ApiRequest');
      expect(request).toMatchObject({ api: 'com.innovaphone.phone', msg: { mt: 'StartCall', num: '+4930123456' } });
      await d.main.stop();
    } finally {
      await pbx.stop();
    }
  });

  it('a second instance, macOS open-url, an app\'s window.open and its frame\'s navigation: followLink each', async () => {
    const d = await boot();
    const handed = (scheme: string, n: number) => expect.poll(() => d.main.logEntries().filter((e) => e.message === 'a link was handed to the core' && e.scheme === scheme).length, { timeout: 5000 }).toBe(n);
    await d.main.secondInstance({ argv: ['/opt/myapps/myapps-desktop', '--', 'tel:200'], additionalData: { argv: ['--', 'tel:200'] } });
    await handed('tel', 1);
    expect(await d.main.emitApp('open-url', 'sip:bob@example.com')).toMatchObject({ defaultPrevented: true });
    await handed('sip', 1);
    // The shell page (and every web contents) opening a call link: followed, no window, nothing to the OS.
    expect(await d.main.windowOpen(d.win.webContentsId, 'callto:+4930999')).toEqual({ action: 'deny' });
    await handed('tel', 2);
    expect((await d.main.navigate(d.win.webContentsId, 'tel:201')).defaultPrevented).toBe(true);
    await handed('tel', 3);
    // Invalid ones are refused, not followed.
    expect(await d.main.windowOpen(d.win.webContentsId, 'tel:1-800-FLOWERS')).toEqual({ action: 'deny' });
    expect(d.main.ofKind('shell.openExternal')).toEqual([]);
    await d.main.stop();
  });

  it('an app\'s frame following a tel: link is held and the link followed', async () => {
    const pbx = await PbxEmulator.start({ config: appsConfig(), port: 0, tls: false });
    try {
      const d = await boot();
      await login(d, pbx);
      const app = await attachApp(d, 'consumer');
      const nav = await d.main.navigate(app.webContentsId, 'tel:+4930555', { event: 'will-frame-navigate', isMainFrame: false, depth: 1 });
      expect(nav.defaultPrevented).toBe(true);
      await d.main.waitForLog((e) => e.message === 'an app followed a call link' && e.app === 'consumer');
      await d.main.waitForLog((e) => e.message === 'a link was handed to the core' && e.scheme === 'tel');
      // window.open / target=_blank from the app view too.
      expect(await d.main.windowOpen(app.webContentsId, 'sip:carol@example.com')).toEqual({ action: 'deny' });
      await d.main.waitForLog((e) => e.message === 'a link was handed to the core' && e.scheme === 'sip');
      await d.main.stop();
    } finally {
      await pbx.stop();
    }
  });
});

describe('Ctrl+K in an app view', { timeout: BOOT_TEST_TIMEOUT_MS }, () => {
  it('is taken before the app sees it (keyDown and keyUp) and opens the search in the UI, whose web contents gets the keyboard; other keys pass', async () => {
    const pbx = await PbxEmulator.start({ config: appsConfig(), port: 0, tls: false });
    try {
      const d = await boot();
      await login(d, pbx);
      const app = await attachApp(d, 'consumer');
      const key = (type: 'keyDown' | 'keyUp', key: string, mods: Partial<Record<'control' | 'meta' | 'alt' | 'shift' | 'isAutoRepeat', boolean>> = {}) =>
        d.main.emitWebContents(app.webContentsId, 'before-input-event', { args: [{ type, key, code: `Key${key.toUpperCase()}`, control: false, meta: false, alt: false, shift: false, isAutoRepeat: false, ...mods }] });
      const shortcutEvents = () => d.main.ofKind('webContents.send').filter((s) => s.webContentsId === d.win.webContentsId && s.channel === ipcChannels.event && (s.args[0] as { type?: string }).type === 'shortcut');
      const uiFocused = () => d.main.ofKind('webContents.call').filter((c) => c.webContentsId === d.win.webContentsId && c.method === 'focus').length;

      // Keys that are not the shortcut reach the app (not prevented): plain k, Ctrl+J, Ctrl+Shift+K, Ctrl+Alt+K.
      for (const [k, mods] of [['k', {}], ['j', { control: true }], ['K', { control: true, shift: true }], ['k', { control: true, alt: true }]] as const) {
        expect((await key('keyDown', k, mods)).defaultPrevented, `${k} ${JSON.stringify(mods)}`).toBe(false);
      }
      const focusedBefore = uiFocused();
      expect((await key('keyDown', 'k', { control: true })).defaultPrevented).toBe(true);
      expect((await key('keyDown', 'k', { control: true, isAutoRepeat: true })).defaultPrevented).toBe(true);
      expect((await key('keyUp', 'k', { control: true })).defaultPrevented).toBe(true);
      // Cmd+K (macOS) is the same shortcut.
      expect((await key('keyDown', 'K', { meta: true })).defaultPrevented).toBe(true);
      // One shortcut event per key press (not for the repeat, not for the key going up): the second proves the first was the only one.
      await d.main.waitFor('webContents.send', () => shortcutEvents().length >= 2);
      expect(shortcutEvents().map((s) => s.args[0])).toEqual([{ type: 'shortcut', shortcut: 'search' }, { type: 'shortcut', shortcut: 'search' }]);
      expect(uiFocused()).toBeGreaterThanOrEqual(focusedBefore + 2);
      await d.main.stop();
    } finally {
      await pbx.stop();
    }
  });
});

describe('autostart per setting and policy (packaged builds)', { timeout: BOOT_TEST_TIMEOUT_MS }, () => {
  const loginItemCalls = (m: MainProcess) => m.ofKind('app.call').filter((c) => c.method === 'setLoginItemSettings').map((c) => c.args![0]);
  const execPath = process.execPath;

  it('Windows: IT enforces it → a Run entry with --minimized; the user cannot turn it off', async () => {
    const d = await boot({ platform: 'win32', packaged: true, policy: { enforced: { autostart: true } } });
    await expect.poll(() => loginItemCalls(d.main)).toEqual([{ openAtLogin: true, path: execPath, args: ['--minimized'] }]);
    expect((await d.command({ type: 'updateSettings', patch: { autostart: false } })).ok).toBe(false);
    await d.main.stop();
  });

  it('Windows: the user turns it on and off again; off by default changes nothing', async () => {
    const d = await boot({ platform: 'win32', packaged: true });
    expect(await d.command({ type: 'updateSettings', patch: { autostart: true } })).toMatchObject({ ok: true });
    await expect.poll(() => loginItemCalls(d.main)).toEqual([{ openAtLogin: true, path: execPath, args: ['--minimized'] }]);
    expect(await d.command({ type: 'updateSettings', patch: { autostart: false } })).toMatchObject({ ok: true });
    await expect.poll(() => loginItemCalls(d.main)).toEqual([
      { openAtLogin: true, path: execPath, args: ['--minimized'] },
      { openAtLogin: false, path: execPath, args: ['--minimized'] },
    ]);
    await d.main.stop();
  });

  it('macOS: IT\'s default → a login item; started at login → the tray only', async () => {
    const d = await boot({ platform: 'darwin', packaged: true, policy: { defaults: { autostart: true } }, openedAtLogin: true });
    await expect.poll(() => loginItemCalls(d.main)).toEqual([{ openAtLogin: true }]);
    expect(windowCalls(d)).not.toContain('show');
    await d.main.stop();
  });

  it('Linux: the user\'s setting writes the XDG entry (Exec … --minimized); IT enforcing off removes it and wins over the user', async () => {
    const userData = join(tempDir('myapps-autostart-'), 'config', 'myapps-desktop');
    mkdirSync(userData, { recursive: true });
    writeFileSync(join(userData, 'settings.json'), JSON.stringify({ ...emptySettingsFile(), settings: { autostart: true } }));
    const entry = join(userData, '..', 'autostart', 'myapps-desktop.desktop');
    const on = await boot({ packaged: true, userData });
    await expect.poll(() => existsSync(entry)).toBe(true);
    expect(readFileSync(entry, 'utf8')).toContain(`Exec=${execPath.includes(' ') ? `"${execPath}"` : execPath} --minimized\n`);
    expect(loginItemCalls(on.main)).toEqual([]);
    await on.main.stop();
    const off = await boot({ packaged: true, userData, policy: { enforced: { autostart: false } } });
    await expect.poll(() => existsSync(entry)).toBe(false);
    await off.main.stop();
  });

  it('a development build leaves the OS alone', async () => {
    const d = await boot({ platform: 'win32', policy: { enforced: { autostart: true } } });
    await d.main.waitForLog((e) => e.message.startsWith('autostart is left alone'));
    expect(loginItemCalls(d.main)).toEqual([]);
    await d.main.stop();
  });
});

describe('starting minimised to the tray', { timeout: BOOT_TEST_TIMEOUT_MS }, () => {
  it('--minimized: no window shown, the tray only; the tray opens it', async () => {
    const d = await boot({ args: ['--minimized'] });
    expect(windowCalls(d)).not.toContain('show');
    expect((await d.main.state()).windows.find((w) => w.id === d.win.windowId)!.visible).toBe(false);
    await d.main.clickTrayMenuItem(d.trayId(), ['Open myApps']);
    expect((await d.main.state()).windows.find((w) => w.id === d.win.windowId)).toMatchObject({ visible: true, focused: true });
    await d.main.stop();
  });
});

describe('the window\'s place, per display', { timeout: BOOT_TEST_TIMEOUT_MS }, () => {
  const laptop = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
  const monitor = { id: 2, bounds: { x: 1920, y: -200, width: 2560, height: 1440 } };

  it('saved on the display it was moved to, restored there; on the primary display when that one is gone', async () => {
    const userData = join(tempDir('myapps-window-'), 'config', 'myapps-desktop');
    const settings = () => JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8')) as { shellState?: { windows?: Record<string, unknown> } };

    const first = await boot({ userData, displays: [laptop, monitor] });
    expect(first.main.ofKind('window.created')[0]!.options).toMatchObject({ x: 410, y: 140, width: 1100, height: 760 });
    await first.main.windowAction(first.win.windowId, 'moveTo', { x: 2200, y: -100, width: 1000, height: 700 });
    await expect.poll(() => existsSync(join(userData, 'settings.json')) && settings().shellState?.windows).toEqual({ '1920,-200,2560,1440': { x: 2200, y: -100, width: 1000, height: 700, maximized: false } });
    await first.main.windowAction(first.win.windowId, 'maximize');
    await expect.poll(() => settings().shellState?.windows?.['1920,-200,2560,1440']).toEqual({ x: 2200, y: -100, width: 1000, height: 700, maximized: true });
    await first.main.stop();

    const again = await boot({ userData, displays: [laptop, monitor] });
    expect(again.main.ofKind('window.created')[0]!.options).toMatchObject({ x: 2200, y: -100, width: 1000, height: 700 });
    expect(windowCalls(again)).toEqual(expect.arrayContaining(['maximize', 'show']));
    await again.main.stop();

    const unplugged = await boot({ userData, displays: [laptop] });
    expect(unplugged.main.ofKind('window.created')[0]!.options).toMatchObject({ x: 460, y: 170, width: 1000, height: 700 });
    await unplugged.main.stop();
  });
});

describe('updates', { timeout: BOOT_TEST_TIMEOUT_MS }, () => {
  it('a development build: the core configures the updater, which stays off and says why', async () => {
    const d = await boot();
    await d.main.waitForLog((e) => e.message === 'updates are off for this installation');
    expect((await d.snapshot()).updates).toMatchObject({ state: 'disabled', detail: expect.stringMatching(/development build/) });
    await d.main.stop();
  });

  it('Windows MSI installation (no NSIS uninstaller beside the executable): off, IT updates it', async () => {
    const d = await boot({ platform: 'win32', packaged: true });
    await expect.poll(async () => (await d.snapshot()).updates).toMatchObject({ state: 'disabled', detail: expect.stringMatching(/MSI/) });
    await d.main.stop();
  });

  it('an AppImage: electron-updater loads under the stand-in, asks the channel\'s feed; no network here is an error the UI shows', async () => {
    const d = await boot({ packaged: true, env: { APPIMAGE: '/home/alice/Apps/myApps-Desktop.AppImage' }, policy: { enforced: { updateChannel: 'beta' } } });
    const log = () => readFileSync(join(d.main.dirs.userData, 'logs', 'main.log'), 'utf8');
    await expect.poll(log).toContain('"message":"updates are on"');
    expect(log()).toContain('"feed":"https://updates.myapps-desktop.invalid/beta"');
    expect(await d.command({ type: 'checkForUpdates' })).toMatchObject({ ok: true });
    const request = await d.main.waitFor('net.request', undefined, 10_000);
    expect(request.url).toMatch(/^https:\/\/updates\.myapps-desktop\.invalid\/beta\/beta-linux(-arm64)?\.yml/);
    await expect.poll(async () => (await d.snapshot()).updates, { timeout: 10_000 }).toMatchObject({ state: 'error', detail: expect.stringMatching(/ERR_INTERNET_DISCONNECTED/), channel: 'beta' });
    expect(d.main.uncaught()).toEqual([]);
    await d.main.stop();
  });

  it('IT turned updates off: disabled, electron-updater never loaded', async () => {
    const d = await boot({ packaged: true, env: { APPIMAGE: '/home/alice/Apps/myApps-Desktop.AppImage' }, policy: { enforced: { updates: false } } });
    await expect.poll(async () => (await d.snapshot()).updates).toMatchObject({ state: 'disabled', detail: 'Updates are turned off by your IT department.' });
    // No waiting for a request that does not come; positive controls instead. The updater logs its
    // decision (synchronously, to the file) as the core configures it, before the state above:
    // off, which returns before electron-updater — the only one here to ask the network — is
    // loaded; and never "updates are on", which follows loading it. And the core answers a check
    // once it decided: a check it let through would have reached the updater before the answer.
    const log = readFileSync(join(d.main.dirs.userData, 'logs', 'main.log'), 'utf8');
    expect(log).toContain('"message":"updates are off: turned off by IT"');
    expect(log).not.toContain('"message":"updates are on"');
    expect(await d.command({ type: 'checkForUpdates' })).toEqual({ ok: false, error: 'Updates are turned off by your IT department.' });
    expect(d.main.ofKind('net.request')).toEqual([]);
    await d.main.stop();
  });
});

describe('Wake: an incoming call brings the window up', { timeout: BOOT_TEST_TIMEOUT_MS }, () => {
  it('the standard phone app (the only one) comes to the front, and the shell restores and focuses the main window', async () => {
    const pbx = await PbxEmulator.start({ config: appsConfig(), port: 0, tls: false });
    try {
      const d = await boot();
      await login(d, pbx);
      // The PBX wakes only sessions that announced the type.
      await pbx.waitFor('SetSessionInfo', (m) => (m.wake as string[]).includes('phone'), 10_000);
      await d.main.windowAction(d.win.windowId, 'minimize');
      const seq = lastSeq(d);
      pbx.wake('alice', { type: 'phone', hw: 'softphone', incoming: true });
      await d.main.waitFor('window.call', (c) => c.windowId === d.win.windowId && c.seq > seq && c.method === 'focus', 10_000);
      expect(windowCalls(d, seq)).toEqual(expect.arrayContaining(['restore', 'focus']));
      const s = await d.snapshot();
      const phone = (s.runningApps as { name: string; viewId: string; hidden: boolean }[]).find((a) => a.name === 'softphone');
      expect(phone).toMatchObject({ hidden: false });
      expect(s.activeApp).toBe(phone!.viewId);
      await d.main.stop();
    } finally {
      await pbx.stop();
    }
  });
});
