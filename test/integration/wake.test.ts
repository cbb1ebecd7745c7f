/**
 * Wake (pbx-session.md §4.4, app-hosting.md §5.1 item 10): the client announces what it can be
 * woken for (`SetSessionInfo{wake}`), and a `Wake{type, hw, incoming}` starts the standard phone
 * or chat app — hidden, and for an incoming call in front with the window. The real core
 * against the PBX emulator, which wakes only sessions that announced the type.
 */
import { describe, expect, it } from 'vitest';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import type { Snapshot } from '../../main/core/bridge/views.js';
import type { ClientCore } from '../../main/core/client/client.js';
import { browserShellPort } from '../../main/core/client/shell-port.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { appsConfig, setup, until } from '../support/core-apps.js';

const PHONE = 'com.innovaphone.phone';

/** alice with the softphone (wake phone), a desk phone (wake phone) and a chat app (wake chat). */
function wakeConfig(): EmulatorConfig {
  const c = appsConfig();
  c.appObjects.push({ name: 'deskphone', title: 'Desk phone', password: 'p', url: 'http://127.0.0.1:9/apps/deskphone/deskphone', wake: ['phone'], apis: { [PHONE]: {} } } as never);
  c.appObjects.push({ name: 'chat', title: 'Chat', password: 'c', url: 'http://127.0.0.1:9/apps/chat/chat', wake: ['chat'], apis: { 'com.innovaphone.chat': {} } } as never);
  c.users[0]!.apps.push('deskphone', 'chat');
  return c;
}

const running = (s: Snapshot) => s.runningApps.map((a) => ({ name: a.name, hidden: a.hidden, front: s.activeApp === a.viewId }));

function raised(core: ClientCore): BridgeEvent[] {
  const seen: BridgeEvent[] = [];
  core.onEvent((e) => {
    if (e.type === 'raiseWindow') seen.push(e);
  });
  return seen;
}

describe('SetSessionInfo', () => {
  it('after login: the wake types of the catalogue, each once, sorted, no push token; again when the set changes, not when it does not; again on each connection', async () => {
    const { core, pbx } = await setup({ config: wakeConfig() });
    const announced = () => pbx.framesOf('SetSessionInfo').map((f) => f.msg);
    await pbx.waitFor('SetSessionInfo');
    expect(announced()).toEqual([{ mt: 'SetSessionInfo', wake: ['chat', 'phone'] }]);
    const apps = [...pbx.config.users[0]!.apps];
    // The desk phone goes: phone is still there (the softphone), so nothing to announce.
    pbx.setUserApps('alice', apps.filter((a) => a !== 'deskphone'));
    // Positive control, sent after it on the same socket: the chat app goes too, which changes the set.
    pbx.setUserApps('alice', apps.filter((a) => a !== 'deskphone' && a !== 'chat'));
    await pbx.waitFor('SetSessionInfo', (m) => m.wake.length === 1);
    expect(announced()).toEqual([{ mt: 'SetSessionInfo', wake: ['chat', 'phone'] }, { mt: 'SetSessionInfo', wake: ['phone'] }]);
    await until(core, (s) => s.apps?.tiles.every((t) => t.name !== 'chat') === true);
    // The PBX forgets with the connection: a new one is told again.
    const before = pbx.framesOf('SetSessionInfo').length;
    pbx.killSockets();
    await pbx.waitFor('SetSessionInfo', () => pbx.framesOf('SetSessionInfo').length > before);
    expect(announced().at(-1)).toEqual({ mt: 'SetSessionInfo', wake: ['phone'] });
    expect(new Set(pbx.framesOf('SetSessionInfo').map((f) => f.connId)).size).toBe(2);
  });
});

describe('Wake', () => {
  it('the standard phone app (IT’s preset default): started for an incoming call, in front with its tab, and the window comes up', async () => {
    const { core, pbx } = await setup({ config: wakeConfig(), policy: { defaults: { defaultApiProviders: { [PHONE]: 'softphone' } } } });
    const raises = raised(core);
    await pbx.waitFor('SetSessionInfo');
    pbx.wake('alice', { type: 'phone', hw: 'softphone', incoming: true });
    const s = await until(core, (x) => x.runningApps.length > 0 && x.activeApp !== undefined);
    expect(running(s)).toEqual([{ name: 'softphone', hidden: false, front: true }]);
    await until(core, () => raises.length === 1);
  });

  it('an incoming call for a phone app that is not the standard one starts nothing; an outgoing one starts it hidden, not in front', async () => {
    const { core, pbx } = await setup({ config: wakeConfig(), policy: { defaults: { defaultApiProviders: { [PHONE]: 'softphone' } } } });
    const raises = raised(core);
    await pbx.waitFor('SetSessionInfo');
    pbx.wake('alice', { type: 'phone', hw: 'deskphone', incoming: true });
    pbx.wake('alice', { type: 'phone', hw: 'nothing-by-that-name', incoming: false });
    // Positive control: the outgoing Wake came after both on the same socket; once it started the desk phone, they were handled.
    pbx.wake('alice', { type: 'phone', hw: 'deskphone', incoming: false });
    const s = await until(core, (x) => x.runningApps.length > 0);
    expect(running(s)).toEqual([{ name: 'deskphone', hidden: true, front: false }]);
    expect(raises).toEqual([]);
  });

  it('two phone apps and no default: an incoming call starts neither (none is standard); the only phone app is the standard one', async () => {
    const { core, pbx } = await setup({ config: wakeConfig() });
    await pbx.waitFor('SetSessionInfo');
    pbx.wake('alice', { type: 'phone', hw: 'softphone', incoming: true });
    pbx.wake('alice', { type: 'phone', incoming: true });
    // Positive control: the chat app's Wake, sent after them.
    pbx.wake('alice', { type: 'chat' });
    const s = await until(core, (x) => x.runningApps.length > 0);
    // The standard chat app (the only one) in the background: no tab, not in front.
    expect(running(s)).toEqual([{ name: 'chat', hidden: true, front: false }]);

    // The desk phone no longer granted: the softphone is the only phone app, and so the standard one; no hw names it.
    pbx.setUserApps('alice', pbx.config.users[0]!.apps.filter((a) => a !== 'deskphone'));
    await until(core, (x) => x.apps?.tiles.every((t) => t.name !== 'deskphone') === true);
    pbx.wake('alice', { type: 'phone', incoming: true });
    const woken = await until(core, (x) => x.runningApps.some((a) => a.name === 'softphone'));
    expect(running(woken)).toEqual([
      { name: 'chat', hidden: true, front: false },
      { name: 'softphone', hidden: false, front: true },
    ]);
  });

  it('in the desktop shell the shell brings its window up (ShellPort.showWindow), the UI is not asked', async () => {
    let shown = 0;
    const { core, pbx } = await setup({ config: wakeConfig(), policy: { defaults: { defaultApiProviders: { [PHONE]: 'deskphone' } } }, core: { shell: { ...browserShellPort, showWindow: () => void shown++ } } });
    const raises = raised(core);
    await pbx.waitFor('SetSessionInfo');
    pbx.wake('alice', { type: 'phone', hw: 'deskphone', incoming: true });
    await until(core, (x) => x.activeApp !== undefined);
    expect(shown).toBe(1);
    expect(raises).toEqual([]);
  });
});
