/**
 * `com.innovaphone.client` as the SDK describes it (app-hosting.md §3.4): `profileApp` (the
 * PBX's `UpdateRegister.profile`), `deviceApps`, `adminSettings` (IT's settings, `force` where
 * enforced) in the model, pushed when they change; `UpdateProfile` answered; and an app's own
 * menu (`SetMenuState`), shown by the UI and driven by the user. The real core against the PBX
 * emulator; apps played by the test (FakeView).
 */
import { describe, expect, it } from 'vitest';
import { adminSettingKeys } from '../../main/core/apps/providers/admin-settings.js';
import { appsConfig, openView, setup, until, type FakeView } from '../support/core-apps.js';

const CLIENT = 'com.innovaphone.client';

type Model = Record<string, unknown> & { adminSettings: Record<string, { value: unknown; force: boolean }> };
const modelIn = (m: Record<string, unknown>) => (m.apis as Record<string, Record<string, { model: Model }>>)[CLIENT]!['@client']!.model;
const lastModel = (v: FakeView) => modelIn(v.posted.filter((m) => m.mt === 'ApiUpdate').at(-1)!);

describe('@client model', () => {
  it('profileApp from UpdateRegister, deviceApps from the app list, adminSettings from the IT policy — and each pushed when it changes', async () => {
    const config = appsConfig();
    config.options = { profileApp: 'contacts' };
    const { core, pbx } = await setup({ config, policy: { enforced: { confirmCalls: true, unloadIdleAppsAfterMinutes: 5 }, defaults: { updateChannel: 'beta' } } });
    const app = await openView(core, 'consumer');
    app.post({ mt: 'ConsumeApi', api: CLIENT });
    await app.next((m) => m.mt === 'ApiUpdate' && modelIn(m).profileApp === 'contacts');
    const model = lastModel(app);
    expect(model).toMatchObject({ profileApp: 'contacts', deviceApps: [{ name: 'softphone', title: 'Softphone', deviceapp: 'softphone' }] });
    // Every key the client lists, each with the value in force and whether IT enforces it.
    expect(Object.keys(model.adminSettings)).toEqual([...adminSettingKeys]);
    expect(model.adminSettings).toMatchObject({
      confirmCalls: { value: true, force: true },
      unloadIdleAppsAfterMinutes: { value: 5, force: true },
      updateChannel: { value: 'beta', force: false },
      developerMode: { value: false, force: false },
    });
    // Nothing else of the policy: what guards the client is not an app's business.
    expect(JSON.stringify(model.adminSettings)).not.toMatch(/allowedApps|blockedApps|certificateFingerprints|usernamePattern|pbx/);

    // The user changes a setting IT only preset: pushed, still not forced.
    expect(await core.handle({ type: 'updateSettings', patch: { updateChannel: 'stable' } })).toEqual({ ok: true });
    await app.next(() => lastModel(app).adminSettings.updateChannel?.value === 'stable');
    expect(lastModel(app).adminSettings.updateChannel).toEqual({ value: 'stable', force: false });
    // The PBX no longer lists the phone app: deviceApps pushed without it.
    pbx.setUserApps('alice', pbx.config.users[0]!.apps.filter((a) => a !== 'softphone'));
    await app.next(() => (lastModel(app).deviceApps as unknown[]).length === 0);
    // Another profile app, on the next connection: pushed.
    pbx.config.options = { profileApp: 'myapp' };
    pbx.killSockets();
    await app.next(() => lastModel(app).profileApp === 'myapp');
  });

  it('no profile app from the PBX: profileApp absent, not invented', async () => {
    const { core, pbx } = await setup();
    const app = await openView(core, 'consumer');
    await pbx.waitFor('SubscribeRegister');
    // Positive control for "the UpdateRegister (profile "") was taken in": the CheckBuildResult after it on the socket was (Settings → Updates).
    await until(core, (s) => s.updates.pbxAnnounces !== undefined);
    app.post({ mt: 'ConsumeApi', api: CLIENT });
    const model = modelIn(await app.next((m) => m.mt === 'ApiUpdate'));
    expect(model).not.toHaveProperty('profileApp');
  });
});

describe('@client requests', () => {
  it('UpdateProfile is taken (UpdateProfileResult, src echoed); an unknown request still gets an Error', async () => {
    const { core } = await setup();
    const app = await openView(core, 'consumer');
    app.post({ mt: 'ApiRequest', api: CLIENT, src: 'p1', msg: { mt: 'UpdateProfile' } });
    expect(await app.next((m) => m.mt === 'ApiResult' && m.src === 'p1')).toEqual({ mt: 'ApiResult', api: CLIENT, provider: '@client', src: 'p1', msg: { mt: 'UpdateProfileResult' } });
    app.post({ mt: 'ApiRequest', api: CLIENT, src: 'p2', msg: { mt: 'NoSuchThing' } });
    expect(await app.next((m) => m.mt === 'ApiResult' && m.src === 'p2')).toMatchObject({ msg: { mt: 'Error' } });
  });
});

describe('SetMenuState', () => {
  it('the first announces a menu (shown with the running app, open or closed); the user’s toggle reaches the app; a new page announces anew', async () => {
    const { core } = await setup();
    const app = await openView(core, 'consumer');
    const other = await openView(core, 'contacts');
    const menuOf = (name: string) => core.snapshot().runningApps.find((a) => a.name === name)?.menu;
    // An app without a menu: none shown, and the command is refused.
    expect(await core.handle({ type: 'setAppMenu', viewId: other.viewId, open: true })).toEqual({ ok: false, error: '“Contacts” has no menu.' });
    expect(other.posted.filter((m) => m.mt === 'SetMenuState')).toEqual([]);

    app.post({ mt: 'SetMenuState', value: 'closed' });
    await until(core, () => menuOf('consumer') === 'closed');
    expect(menuOf('contacts')).toBeUndefined();
    expect(await core.handle({ type: 'setAppMenu', viewId: app.viewId, open: true })).toEqual({ ok: true });
    expect(await app.next((m) => m.mt === 'SetMenuState')).toEqual({ mt: 'SetMenuState', value: 'open' });
    expect(menuOf('consumer')).toBe('open');
    // The app closes its menu itself (the user picked an entry): the button follows.
    app.post({ mt: 'SetMenuState', value: 'closed' });
    await until(core, () => menuOf('consumer') === 'closed');
    // Anything else reads as closed; the menu stays announced.
    app.post({ mt: 'SetMenuState', value: 'open' });
    await until(core, () => menuOf('consumer') === 'open');
    app.post({ mt: 'SetMenuState', value: 'sideways' });
    await until(core, () => menuOf('consumer') === 'closed');
    expect(await core.handle({ type: 'setAppMenu', viewId: app.viewId, open: false })).toEqual({ ok: true });
    expect(app.posted.filter((m) => m.mt === 'SetMenuState')).toEqual([{ mt: 'SetMenuState', value: 'open' }, { mt: 'SetMenuState', value: 'closed' }]);

    // Reloaded: the new page has not announced a menu (yet).
    await core.handle({ type: 'reloadApp', viewId: app.viewId });
    await until(core, () => menuOf('consumer') === undefined);
    expect(await core.handle({ type: 'setAppMenu', viewId: app.viewId, open: true })).toMatchObject({ ok: false });
  });
});
