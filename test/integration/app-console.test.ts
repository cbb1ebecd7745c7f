/**
 * App console capture with the real core and the PBX emulator (apps played by the test as
 * app-frame pages, test/support/core-apps.ts): an app view's console lines reach the inspector
 * (as console entries of that app) and, in developer mode only, the app's own log file under
 * `<logs>/apps/`; a page replaced by another is no longer heard.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { BridgeEvent } from '../../main/core/bridge/events.js';
import type { ClientCore } from '../../main/core/client/client.js';
import type { InspectorConsoleLine } from '../../main/core/inspector/entries.js';
import { FakeView, openView, setup } from '../support/core-apps.js';

const LEVELS = ['debug', 'log', 'info', 'warn', 'error'] as const;

function consoleEntries(core: ClientCore): InspectorConsoleLine[] {
  const seen: InspectorConsoleLine[] = [];
  core.onEvent((e: BridgeEvent) => {
    if (e.type === 'inspector') for (const entry of e.entries) if (entry.kind === 'console') seen.push(entry);
  });
  return seen;
}

const say = (view: FakeView, level: (typeof LEVELS)[number], text: string, source?: string) => view.link!.receive({ kind: 'console', level, text, ...(source && { source }) });
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 5000 });

describe('app console capture (core)', () => {
  it("an app's lines at every level reach the inspector as its console entries and, in developer mode, its log file", async () => {
    const { core, dir } = await setup({ core: { policyPollMs: 0 } });
    expect(await core.handle({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: true });
    const seen = consoleEntries(core);
    expect(await core.handle({ type: 'inspectorOpen', panel: 'console-test' })).toMatchObject({ ok: true });
    const app = await openView(core, 'consumer');
    for (const level of LEVELS) say(app, level, `consumer says ${level}`, 'http://127.0.0.1:9/apps/consumer/consumer.js:3');
    say(app, 'log', 'z'.repeat(6000));

    await eventually(() => expect(seen).toHaveLength(6));
    expect(seen.slice(0, 5).map((e) => [e.level, e.text])).toEqual(LEVELS.map((l) => [l, `consumer says ${l}`]));
    for (const entry of seen) expect(entry.app).toEqual({ viewId: app.viewId, name: 'consumer' });
    expect(seen[0]!.source).toBe('http://127.0.0.1:9/apps/consumer/consumer.js:3');
    expect(seen[5]!.text).toHaveLength(4000);

    await core.appConsole.flush();
    const file = join(dir, 'logs', 'apps', 'consumer.log');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    LEVELS.forEach((level, i) => expect(lines[i]).toMatch(new RegExp(`^\\d{4}-\\S+Z ${level.padEnd(5)} consumer says ${level}  \\(http://127\\.0\\.0\\.1:9/apps/consumer/consumer\\.js:3\\)$`)));
    expect(lines[5]).toContain(`${'z'.repeat(3999)}…`);
  });

  it('developer mode off: the line is not written anywhere on disk; with it on, a later line is', async () => {
    const { core, dir } = await setup({ core: { policyPollMs: 0 } });
    const app = await openView(core, 'consumer');
    say(app, 'warn', 'while developer mode is off');
    await core.appConsole.flush();
    expect(existsSync(join(dir, 'logs'))).toBe(false);

    // Positive control: the same app, the same way, with developer mode on.
    expect(await core.handle({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: true });
    say(app, 'warn', 'while developer mode is on');
    await core.appConsole.flush();
    const text = readFileSync(join(dir, 'logs', 'apps', 'consumer.log'), 'utf8');
    expect(text).toContain('while developer mode is on');
    expect(text).not.toContain('while developer mode is off');
  });

  it('a page replaced by another is no longer heard: only the current page speaks for the app', async () => {
    const { core, dir } = await setup({ core: { policyPollMs: 0 } });
    expect(await core.handle({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: true });
    const old = await openView(core, 'consumer');
    const current = new FakeView(core, old.viewId);
    say(old, 'error', 'from the old page');
    say(current, 'info', 'from the current page');
    await core.appConsole.flush();
    const text = readFileSync(join(dir, 'logs', 'apps', 'consumer.log'), 'utf8');
    expect(text).toContain('from the current page');
    expect(text).not.toContain('from the old page');
  });
});
