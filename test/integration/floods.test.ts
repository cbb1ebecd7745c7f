/**
 * Floods from a PBX and from an app (security control 17): every buffer fed from outside has a
 * cap, events to the UI are coalesced (at most one per kind per frame), and one app's rate of
 * `getLogin`, badges and notifications is limited with a log line — while nothing is lost that
 * matters (every getLogin is answered, the last badge shows, the UI bridge stays up and ends in
 * the right state). The real core, the PBX emulator (its `inject` hook plays the hostile PBX)
 * and, for the bridge, the real browser shell over a real WebSocket.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { webBridgePath, type WebBridgeFrame } from '../../main/core/bridge/channels.js';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import type { LogLevel } from '../../main/core/common/log.js';
import { MAX_APPS, MAX_SESSIONS } from '../../main/core/pbx/session.js';
import { createWebShell } from '../../main/web/server.js';
import { cleanups, openView, setup, until } from '../support/core-apps.js';

type Logged = { level: LogLevel; message: string; fields?: Record<string, unknown> };

async function world() {
  const logs: Logged[] = [];
  const w = await setup({ core: { log: (level, message, fields) => logs.push({ level, message, ...(fields && { fields }) }), policyPollMs: 0 } });
  const events: { at: number; event: BridgeEvent }[] = [];
  cleanups.push(w.core.onEvent((event) => events.push({ at: Date.now(), event })));
  return { ...w, logs, events };
}

/** Events of `type` the UI got between `from` and `to` (ms), and the most a one-per-frame rule allows in that time. */
function rate(events: { at: number; event: BridgeEvent }[], type: BridgeEvent['type'], from: number, to: number) {
  const count = events.filter((e) => e.event.type === type && e.at >= from && e.at <= to + 50).length;
  return { count, allowed: Math.ceil((to + 50 - from) / 16) + 2 };
}

describe('a flooding PBX', () => {
  it(`UpdateAppsInfo without end: at most ${MAX_APPS} apps kept, said once in the log`, async () => {
    const { core, pbx, logs } = await world();
    const flood = 2 * MAX_APPS;
    for (let i = 0; i < flood; i++) pbx.inject(JSON.stringify({ mt: 'UpdateAppsInfo', app: { name: `flood${i}`, title: `Flood ${i}`, url: `https://apps.example.com/flood/${i}` } }));
    pbx.inject(JSON.stringify({ mt: 'UpdateAppsComplete', selected: '' }));
    const s = await until(core, (x) => (x.apps?.tiles.length ?? 0) > 100, 20_000);
    expect(s.apps!.tiles.length).toBe(MAX_APPS);
    expect(logs.filter((l) => l.message === `the PBX listed more than ${MAX_APPS} apps; the rest are dropped`)).toHaveLength(1);
  });

  it(`100k SessionAdded: at most ${MAX_SESSIONS} sessions, the session list reaches the UI at most once per frame`, async () => {
    const { core, pbx, events } = await world();
    const start = Date.now();
    const n = 100_000;
    const frames = Array.from({ length: n }, (_, i) => JSON.stringify({ mt: 'SessionAdded', id: `s${i}`, info: { userAgent: 'flood', timestamp: i } }));
    for (const f of frames) pbx.inject(f);
    // Positive control that the flood has been read: a later message arrives after all of it.
    pbx.inject(JSON.stringify({ mt: 'UpdateUser', user: { dn: 'After the flood' } }));
    await until(core, (x) => x.user?.dn === 'After the flood', 60_000);
    const end = Date.now();
    expect(core.snapshot().sessions.length).toBe(MAX_SESSIONS);
    const { count, allowed } = rate(events, 'sessions', start, end);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(allowed);
    expect(count).toBeLessThan(n / 100);
  });
});

describe('a flooding app', () => {
  it('100k SetBadge: the UI hears at most once per frame, and the last badge shows', async () => {
    const { core, events, logs } = await world();
    const view = await openView(core, 'myapp');
    await until(core, (s) => s.runningApps[0]?.state === 'alive');
    const start = Date.now();
    for (let i = 1; i <= 100_000; i++) view.post({ mt: 'Action', type: 'SetBadge', value: i });
    const s = await until(core, (x) => x.runningApps[0]?.badge === '100000', 10_000);
    const { count, allowed } = rate(events, 'runningApps', start, Date.now());
    expect(count).toBeLessThanOrEqual(allowed);
    expect(s.runningApps[0]?.badge).toBe('100000');
    expect(logs.some((l) => l.message === 'app over its badge limit' && l.fields?.app === 'myapp')).toBe(true);
  });

  it('2,000 getLogin at once: each one answered, in order; the PBX sees only what the limit lets through', async () => {
    const { core, pbx, logs } = await world();
    const view = await openView(core, 'myapp');
    const start = Date.now();
    for (let i = 0; i < 2000; i++) view.post({ mt: 'getLogin', app: 'myapp', challenge: `c${i}` });
    const answered = () => view.posted.filter((m) => m.mt === 'Login').length;
    await expect.poll(answered, { timeout: 20_000 }).toBe(2000);
    const elapsed = (Date.now() - start) / 1000;
    const logins = view.posted.filter((m) => m.mt === 'Login');
    const granted = logins.filter((m) => m.error === undefined);
    expect(granted.length).toBeGreaterThanOrEqual(20);
    expect(granted.length).toBeLessThanOrEqual(20 + Math.ceil(5 * elapsed));
    expect(pbx.framesOf('AppGetLogin').length).toBe(granted.length);
    expect(logins.filter((m) => m.error !== undefined).every((m) => m.errorText === 'Too many login requests from this app; try again in a moment.')).toBe(true);
    expect(logs.some((l) => l.message === 'app over its getLogin limit')).toBe(true);
    // The limit is per app and refills: a later getLogin gets through again.
    await new Promise((r) => setTimeout(r, 250));
    view.post({ mt: 'getLogin', app: 'myapp', challenge: 'later' });
    await expect.poll(answered).toBe(2001);
    expect(view.posted.filter((m) => m.mt === 'Login').at(-1)).toMatchObject({ pbxObj: 'myapp' });
  });

  it('notifications: limited per app with a log line; at most 20 shown per app', async () => {
    const { core, logs } = await world();
    const view = await openView(core, 'myapp');
    for (let i = 0; i < 200; i++) view.post({ mt: 'ApiRequest', api: 'com.innovaphone.launcher', provider: '*', src: `n${i}`, msg: { mt: 'AddLocalNotification', title: `t${i}`, text: 'x' } });
    const s = await until(core, (x) => x.notifications.length >= 10);
    expect(s.notifications.length).toBeLessThanOrEqual(20);
    expect(logs.some((l) => l.message === 'app over its notification limit')).toBe(true);
  });
});

describe('the UI bridge under a flood', () => {
  it('stays connected through 100k badges and ends in the right state', async () => {
    const { core } = await world();
    const shell = await createWebShell({ host: core, rendererDir: mkdtempSync(join(tmpdir(), 'myapps-empty-')) });
    cleanups.push(() => shell.close());
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}${webBridgePath}?token=${shell.token}`, { headers: { Origin: shell.origin } });
    cleanups.push(() => ws.terminate());
    let frames = 0;
    let lastRunning: BridgeEvent | undefined;
    ws.on('message', (d) => {
      frames++;
      const f = JSON.parse(String(d)) as WebBridgeFrame;
      if (f.kind === 'event' && f.event.type === 'runningApps') lastRunning = f.event;
    });
    let closed = false;
    ws.on('close', () => (closed = true));
    await new Promise((r) => ws.once('open', r));
    const view = await openView(core, 'myapp');
    for (let i = 1; i <= 100_000; i++) view.post({ mt: 'Action', type: 'SetBadge', value: i });
    await until(core, (x) => x.runningApps[0]?.badge === '100000', 10_000);
    await expect.poll(() => (lastRunning?.type === 'runningApps' ? lastRunning.runningApps[0]?.badge : undefined), { timeout: 5000 }).toBe('100000');
    expect(closed).toBe(false);
    expect(frames).toBeLessThan(1000);
  });
});
