/**
 * What the core decides about app views for both shells (issue: the desktop build runs apps):
 * the time limit for an app-frame page to attach, Retry, apps revoked while running, app
 * storage wiped at logout, per-app DevTools, microphone/camera/screen permissions for each
 * permission gate, and certificate trust for app content. ClientCore against the PBX emulator;
 * app views attached as an app-frame page attaches.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppViewBounds, Snapshot } from '../../main/core/bridge/views.js';
import type { ClientCore } from '../../main/core/client/client.js';
import type { ShellPort } from '../../main/core/client/shell-port.js';
import { FakeView, appsConfig, openView, setup, until } from '../support/core-apps.js';

/** A shell like Electron's: native views, session-gated permissions; it records what the core asks. */
function nativeShell(devToolsOpens = true) {
  const calls = { placed: [] as (AppViewBounds | undefined)[], devTools: [] as string[], cleared: 0 };
  const shell: ShellPort = {
    view: { appViews: 'native', appDevTools: 'open' },
    permissionGate: 'session',
    placeAppView: (bounds) => calls.placed.push(bounds),
    openAppDevTools: (viewId) => {
      calls.devTools.push(viewId);
      return devToolsOpens;
    },
    clearAppData: async () => {
      calls.cleared++;
    },
  };
  return { shell, calls };
}

const appOrigin = 'http://127.0.0.1:9';

/**
 * Opens `contacts` and attaches no page: resolves when it fails at the attach time limit. Any
 * time limit of the same length started before it has run out by then.
 */
async function failsUnattached(core: ClientCore): Promise<void> {
  const opened = await core.handle({ type: 'openApp', link: 'contacts' });
  if (!opened.ok) throw new Error(opened.error);
  const { viewId } = opened.value as { viewId: string };
  await until(core, (s) => s.runningApps.find((a) => a.viewId === viewId)?.state === 'failed');
}

describe('attaching app-frame pages', () => {
  it('a view whose page never attaches fails after the time limit, with a reason; Retry re-creates the page', async () => {
    const { core } = await setup({ core: { appAttachTimeoutMs: 150 } });
    const opened = await core.handle({ type: 'openApp', link: 'myapp' });
    const viewId = (opened as { value: { viewId: string } }).value.viewId;
    expect(core.snapshot().runningApps[0]).toMatchObject({ viewId, state: 'starting', frameEpoch: 0 });
    const failed = await until(core, (s) => s.runningApps[0]?.state === 'failed');
    expect(failed.runningApps[0]?.error).toBe('The app view did not start within 1 s.');

    expect(await core.handle({ type: 'reloadApp', viewId })).toEqual({ ok: true });
    expect(core.snapshot().runningApps[0]).toMatchObject({ state: 'starting', frameEpoch: 1 });
    const view = new FakeView(core, viewId);
    expect(view.frames[0]).toMatchObject({ kind: 'load' });
    view.post({ mt: 'Alive' });
    await until(core, (s) => s.runningApps[0]?.state === 'alive');
    // "Stays alive" needs the Retry's time limit to pass. Positive control: a second app whose
    // page never attaches, started later with the same limit, fails; the Retry's limit, had
    // attaching not ended it, would have run out first (timers of one length fire in order).
    await failsUnattached(core);
    expect(core.snapshot().runningApps.find((a) => a.viewId === viewId)?.state).toBe('alive');
  });

  it('a page that goes away (crash) and does not come back fails; one that comes back keeps the app', async () => {
    const { core } = await setup({ core: { appAttachTimeoutMs: 150 } });
    const first = await openView(core, 'myapp');
    await until(core, (s) => s.runningApps[0]?.state === 'alive');
    first.link!.detach();
    const again = new FakeView(core, first.viewId);
    expect(again.frames[0]).toMatchObject({ kind: 'load' });
    // The limit for the page to come back must pass; the control is as above.
    await failsUnattached(core);
    const mine = (s: Snapshot) => s.runningApps.find((a) => a.viewId === first.viewId);
    expect(mine(core.snapshot())?.state).toBe('alive');
    again.link!.detach();
    const failed = await until(core, (s) => mine(s)?.state === 'failed');
    expect(mine(failed)?.error).toMatch(/stopped and did not come back/);
  });

  it('a hidden provider that never attaches fails its waiting request at once, not at the register timeout', async () => {
    const { core } = await setup({ core: { appAttachTimeoutMs: 100, registerTimeoutMs: 60_000 } });
    const consumer = await openView(core, 'consumer');
    consumer.post({ mt: 'ApiRequest', api: 'com.example.lazy', provider: 'lazy', src: 's1', msg: { mt: 'Hi' } });
    const result = await consumer.next((m) => m.mt === 'ApiResult', 3000);
    expect(result).toMatchObject({ api: 'com.example.lazy', provider: 'lazy', src: 's1', errorText: 'The app "lazy" could not be started to provide com.example.lazy.' });
  });
});

describe('apps revoked while running', () => {
  it('an app the PBX no longer lists is closed with a notice; the others keep running', async () => {
    const { core, pbx } = await setup();
    const mine = await openView(core, 'myapp');
    const other = await openView(core, 'contacts');
    expect(core.snapshot().runningApps.map((a) => a.viewId)).toEqual([mine.viewId, other.viewId]);
    pbx.setUserApps('alice', appsConfig().users[0]!.apps.filter((a) => !a.startsWith('myapp')));
    const s = await until(core, (x) => x.notices.some((n) => n.id.startsWith('revoked-')));
    expect(s.runningApps.map((a) => a.viewId)).toEqual([other.viewId]);
    expect(s.notices).toContainEqual(expect.objectContaining({ severity: 'info', text: '“My App” was closed: it is no longer available to you.' }));
  });

  it('an app IT blocks while it runs (the policy file changes) is closed too', async () => {
    const { core, dir } = await setup({ core: { policyPollMs: 20 } });
    const mine = await openView(core, 'myapp');
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ enforced: { blockedApps: ['myapp'] } }));
    const s = await until(core, (x) => x.notices.some((n) => n.id.startsWith('revoked-')));
    expect(s.runningApps.some((a) => a.viewId === mine.viewId)).toBe(false);
    expect(s.notices.map((n) => n.text)).toContain('“My App” was closed: it is no longer available to you.');
    expect(s.settings.locked).toContain('blockedApps');
  });
});

describe('an IT policy that becomes unreadable while apps run', () => {
  it('fails closed: every running app is closed with a notice, and no app is listed', async () => {
    const { core, dir } = await setup({ core: { policyPollMs: 20 } });
    const mine = await openView(core, 'myapp');
    writeFileSync(join(dir, 'policy.json'), '{"enforced": {"blockedApps": ["ga');
    const s = await until(core, (x) => x.notices.some((n) => n.id.startsWith('revoked-')));
    expect(s.runningApps.some((a) => a.viewId === mine.viewId)).toBe(false);
    expect(s.apps?.tiles).toEqual([]);
    expect(s.notices.some((n) => n.severity === 'error' && n.text.includes('policy.json'))).toBe(true);
  });
});

describe('logout', () => {
  it('closes every app view and asks the shell to wipe the app partitions', async () => {
    const { shell, calls } = nativeShell();
    const { core } = await setup({ core: { shell } });
    await openView(core, 'myapp');
    expect(calls.cleared).toBe(0);
    expect(await core.handle({ type: 'logout' })).toEqual({ ok: true });
    const s = await until(core, (x) => x.runningApps.length === 0 && x.connection.kind !== 'logged-in');
    expect(s.runningApps).toEqual([]);
    expect(calls.cleared).toBe(1);
  });
});

describe('placing native app views', () => {
  it('the bounds the UI reports reach the shell; the browser shell has nothing to place', async () => {
    const { shell, calls } = nativeShell();
    const { core } = await setup({ core: { shell } });
    expect(core.snapshot().shell).toEqual({ appViews: 'native', appDevTools: 'open' });
    await core.handle({ type: 'placeAppView', bounds: { x: 10, y: 20.4, width: 300, height: 200 } });
    await core.handle({ type: 'placeAppView' });
    expect(calls.placed).toEqual([{ x: 10, y: 20, width: 300, height: 200 }, undefined]);
    expect(await core.handle({ type: 'placeAppView', bounds: { x: -1, y: 0, width: 1, height: 1 } })).toMatchObject({ ok: false });
    const browser = await setup();
    expect(browser.core.snapshot().shell).toEqual({ appViews: 'frames', appDevTools: 'instructions' });
  });
});

describe('app DevTools (control 13)', () => {
  it('only with developer mode and app DevTools on; Electron opens them, the browser shell explains', async () => {
    const { shell, calls } = nativeShell();
    const { core } = await setup({ core: { shell } });
    const view = await openView(core, 'myapp');
    expect(await core.handle({ type: 'openAppDevTools', viewId: view.viewId })).toMatchObject({ ok: false, error: expect.stringMatching(/App DevTools are off/) });
    await core.handle({ type: 'updateSettings', patch: { developerMode: true } });
    expect(await core.handle({ type: 'openAppDevTools', viewId: view.viewId })).toMatchObject({ ok: false });
    expect(core.appView(view.viewId)?.devTools).toBe(false);
    await core.handle({ type: 'updateSettings', patch: { appDevTools: true } });
    expect(core.appView(view.viewId)).toMatchObject({ name: 'myapp', devTools: true, website: false, hidden: false });
    expect(await core.handle({ type: 'openAppDevTools', viewId: view.viewId })).toEqual({ ok: true, value: { opened: true } });
    expect(calls.devTools).toEqual([view.viewId]);

    const browser = await setup();
    const b = await openView(browser.core, 'myapp');
    await browser.core.handle({ type: 'updateSettings', patch: { developerMode: true, appDevTools: true } });
    expect(await browser.core.handle({ type: 'openAppDevTools', viewId: b.viewId })).toEqual({ ok: true, value: { opened: false } });
  });

  it('IT can forbid them', async () => {
    const { core } = await setup({ core: { shell: nativeShell().shell }, policy: { enforced: { appDevTools: false } } });
    const view = await openView(core, 'myapp');
    await core.handle({ type: 'updateSettings', patch: { developerMode: true } });
    expect(await core.handle({ type: 'updateSettings', patch: { appDevTools: true } })).toMatchObject({ ok: false });
    expect(await core.handle({ type: 'openAppDevTools', viewId: view.viewId })).toMatchObject({ ok: false });
  });
});

describe('microphone, camera, screen (control 16)', () => {
  it('browser shell: nothing is delegated until the user grants it, asked once naming the app; the app reloads with it', async () => {
    const { core } = await setup();
    const view = await openView(core, 'myapp');
    expect(view.frames[0]).toMatchObject({ kind: 'load', allow: '' });
    expect(core.snapshot().runningApps[0]?.granted).toEqual([]);
    expect(await core.handle({ type: 'requestAppPermission', viewId: view.viewId, permissions: ['microphone', 'camera'] })).toEqual({ ok: true });
    const prompted = await until(core, (s) => s.permissionPrompts.length === 1);
    expect(prompted.permissionPrompts[0]).toEqual({ id: expect.any(String), app: 'myapp', title: 'My App', permissions: ['microphone', 'camera'] });
    expect(await core.handle({ type: 'answerPermission', id: prompted.permissionPrompts[0]!.id, allow: true })).toEqual({ ok: true });
    const reloaded = await until(core, (s) => s.runningApps[0]?.granted.length === 2 && s.permissionPrompts.length === 0);
    expect(reloaded.runningApps[0]?.granted).toEqual(['microphone', 'camera']);
    expect(await view.frame((f) => f.kind === 'load' && f.allow !== '')).toMatchObject({ kind: 'load', allow: 'microphone; camera' });
    expect(reloaded.settings.appPermissions).toEqual([
      { app: 'myapp', permission: 'microphone', state: 'granted', locked: false },
      { app: 'myapp', permission: 'camera', state: 'granted', locked: false },
    ]);
    // Nothing else gets it: another app still has nothing delegated.
    const other = await openView(core, 'contacts');
    expect(other.frames[0]).toMatchObject({ allow: '' });
    // Forgotten in Settings: the next load delegates nothing again.
    expect(await core.handle({ type: 'resetAppPermission', app: 'myapp', permission: 'microphone' })).toEqual({ ok: true });
    expect(core.snapshot().runningApps.find((a) => a.name === 'myapp')?.granted).toEqual(['camera']);
  });

  it('Electron: the frame always gets the permissions; the session asks the core, by the app origin only', async () => {
    const { shell } = nativeShell();
    const { core } = await setup({ core: { shell } });
    const view = await openView(core, 'myapp');
    expect(view.frames[0]).toMatchObject({ allow: 'microphone; camera; display-capture' });
    expect(core.appPermissionGranted(view.viewId, 'microphone', `${appOrigin}/apps/myapp/x.htm`)).toBe(false);
    const asked = core.appPermissionRequest(view.viewId, ['microphone'], `${appOrigin}/apps/myapp/innovaphone-myapp.htm`);
    const prompt = (await until(core, (s) => s.permissionPrompts.length === 1)).permissionPrompts[0]!;
    await core.handle({ type: 'answerPermission', id: prompt.id, allow: true });
    expect(await asked).toBe(true);
    expect(core.appPermissionGranted(view.viewId, 'microphone', `${appOrigin}/other.htm`)).toBe(true);
    // Another origin inside the app's view, another permission, another app: no.
    expect(core.appPermissionGranted(view.viewId, 'microphone', 'https://evil.test/')).toBe(false);
    expect(await core.appPermissionRequest(view.viewId, ['microphone'], 'https://evil.test/')).toBe(false);
    expect(core.appPermissionGranted(view.viewId, 'camera', `${appOrigin}/x`)).toBe(false);
    const other = await openView(core, 'contacts');
    expect(core.appPermissionGranted(other.viewId, 'microphone', `${appOrigin}/x`)).toBe(false);
    // Remembered: asked once.
    expect(await core.appPermissionRequest(view.viewId, ['microphone'], `${appOrigin}/x`)).toBe(true);
    expect(core.snapshot().permissionPrompts).toEqual([]);
  });

  it('a denial is remembered too; requests while the prompt is open share it', async () => {
    const { core } = await setup({ core: { shell: nativeShell().shell } });
    const view = await openView(core, 'myapp');
    const a = core.appPermissionRequest(view.viewId, ['camera'], `${appOrigin}/x`);
    const b = core.appPermissionRequest(view.viewId, ['microphone', 'camera'], `${appOrigin}/x`);
    const prompt = (await until(core, (s) => s.permissionPrompts[0]?.permissions.length === 2)).permissionPrompts;
    expect(prompt).toHaveLength(1);
    await core.handle({ type: 'answerPermission', id: prompt[0]!.id, allow: false });
    expect([await a, await b]).toEqual([false, false]);
    expect(await core.appPermissionRequest(view.viewId, ['camera'], `${appOrigin}/x`)).toBe(false);
    expect(core.snapshot().permissionPrompts).toEqual([]);
  });

  it('IT pre-grants or forbids per App Object (locked); websites are never asked', async () => {
    const policy = { enforced: { appPermissions: { myapp: { microphone: 'granted', screen: 'denied' } } }, defaults: { appPermissions: { contacts: { camera: 'granted' } } } };
    const { core } = await setup({ core: { shell: nativeShell().shell }, policy });
    const view = await openView(core, 'myapp');
    expect(await core.appPermissionRequest(view.viewId, ['microphone'], `${appOrigin}/x`)).toBe(true);
    expect(await core.appPermissionRequest(view.viewId, ['screen'], `${appOrigin}/x`)).toBe(false);
    expect(core.snapshot().permissionPrompts).toEqual([]);
    expect(core.snapshot().settings.appPermissions).toEqual(
      expect.arrayContaining([
        { app: 'myapp', permission: 'microphone', state: 'granted', locked: true },
        { app: 'myapp', permission: 'screen', state: 'denied', locked: true },
        { app: 'contacts', permission: 'camera', state: 'granted', locked: false },
      ]),
    );
    expect(await core.handle({ type: 'resetAppPermission', app: 'myapp', permission: 'microphone' })).toMatchObject({ ok: false, error: expect.stringMatching(/enforced by the IT policy/) });
    const site = await openView(core, 'website');
    expect(await core.appPermissionRequest(site.viewId, ['camera'], 'https://www.example.com/')).toBe(false);
    expect(core.snapshot().permissionPrompts).toEqual([]);
    expect(await core.handle({ type: 'requestAppPermission', viewId: site.viewId, permissions: ['camera'] })).toMatchObject({ ok: false });
  });

  it('closing the app withdraws its prompt and refuses what waited', async () => {
    const { core } = await setup({ core: { shell: nativeShell().shell } });
    const view = await openView(core, 'myapp');
    const asked = core.appPermissionRequest(view.viewId, ['camera'], `${appOrigin}/x`);
    await until(core, (s) => s.permissionPrompts.length === 1);
    await core.handle({ type: 'closeApp', viewId: view.viewId });
    expect(await asked).toBe(false);
    expect(core.snapshot().permissionPrompts).toEqual([]);
  });
});

describe('app content navigation and certificates', () => {
  it('an app view stays on its App URL origin', async () => {
    const { core } = await setup();
    const view = await openView(core, 'myapp');
    expect(core.appNavigationAllowed(view.viewId, `${appOrigin}/apps/myapp/other.htm`)).toBe(true);
    for (const url of ['http://127.0.0.1:9.evil.test/', 'http://user@127.0.0.1:9/', 'file:///etc/passwd', 'javascript:alert(1)', 'https://127.0.0.1:9/']) {
      expect(core.appNavigationAllowed(view.viewId, url)).toBe(false);
    }
    expect(core.appNavigationAllowed('nope', `${appOrigin}/`)).toBe(false);
  });

  it('certificate errors of app content: trusted only by the account fingerprint or the policy', async () => {
    const fp = 'AB:'.repeat(31) + 'AB';
    const { core } = await setup({ policy: { enforced: { certificateFingerprints: [fp] } } });
    expect(core.certificateTrusted(fp.replaceAll(':', '').toLowerCase())).toBe(true);
    expect(core.certificateTrusted('CD:'.repeat(31) + 'CD')).toBe(false);
    expect(core.certificateTrusted('not a fingerprint')).toBe(false);
  });
});
