/**
 * The core with app views, for integration tests: ClientCore logged in to the PBX emulator,
 * app views attached the way an app-frame page attaches (AppFrameHost), and apps played by the
 * test posting the strings a real app (innovaphone lib1) would post.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { ToAppFrame } from '../../main/core/bridge/app-frame.js';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { ClientCore, type ClientCoreOptions } from '../../main/core/client/client.js';
import { MemoryCredentialStore } from '../../main/core/credentials/credential-store.js';
import { PbxEmulator, type EmulatorConfig } from '../pbx/index.js';
import { sessionTestConfig } from './session-config.js';

export const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The session test users plus a consumer, a hidden lazy provider and a softphone. */
export function appsConfig(): EmulatorConfig {
  const c = sessionTestConfig();
  c.appObjects.push({ name: 'consumer', title: 'Consumer', password: 'cpwd', url: 'http://127.0.0.1:9/apps/consumer/consumer' } as never);
  c.appObjects.push({ name: 'lazy', title: 'Lazy provider', password: 'l', url: 'http://127.0.0.1:9/apps/lazy/lazy', hidden: true, apis: { 'com.example.lazy': {} } } as never);
  c.appObjects.push({ name: 'softphone', title: 'Softphone', password: 'p', url: 'http://127.0.0.1:9/apps/softphone/softphone', wake: ['phone'], apis: { 'com.innovaphone.phone': {} } } as never);
  c.users[0]!.apps.push('consumer', 'lazy', 'softphone');
  return c;
}

/** A logged-in core (alice) against a fresh emulator; `policy` is written as the IT policy file. */
export async function setup(options: { config?: EmulatorConfig; core?: Partial<ClientCoreOptions>; policy?: object } = {}) {
  const pbx = await PbxEmulator.start({ config: options.config ?? appsConfig(), port: 0 });
  cleanups.push(() => pbx.stop());
  const dir = mkdtempSync(join(tmpdir(), 'myapps-apps-'));
  if (options.policy) writeFileSync(join(dir, 'policy.json'), JSON.stringify(options.policy));
  const core = await ClientCore.start({ configDir: dir, policyFile: join(dir, 'policy.json'), credentialStore: new MemoryCredentialStore(), registerTimeoutMs: 300, ...options.core });
  cleanups.push(() => core.dispose());
  await core.handle({ type: 'login', pbx: pbx.url, username: 'alice', password: 'Secret123!', stayLoggedIn: false });
  await until(core, (s) => s.connection.kind === 'logged-in' && s.apps !== undefined);
  return { pbx, core, dir };
}

export function until(core: ClientCore, pred: (s: Snapshot) => boolean, ms = 3000): Promise<Snapshot> {
  if (pred(core.snapshot())) return Promise.resolve(core.snapshot());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`snapshot condition not met within ${ms} ms; connection ${JSON.stringify(core.snapshot().connection)}`));
    }, ms);
    const off = core.onEvent(() => {
      if (!pred(core.snapshot())) return;
      clearTimeout(timer);
      off();
      resolve(core.snapshot());
    });
  });
}

/** An app view as the app-frame page sees it: frames in, strings out. */
export class FakeView {
  readonly frames: ToAppFrame[] = [];
  private waiters: (() => void)[] = [];
  readonly link;
  constructor(
    core: ClientCore,
    readonly viewId: string,
  ) {
    this.link = core.attachAppFrame(viewId, (f) => {
      this.frames.push(f);
      this.waiters.splice(0).forEach((w) => w());
    });
  }
  /** The app iframe finished loading (the page's `load` event): a plain website is alive then. */
  loaded() {
    this.link!.receive({ kind: 'loaded' });
  }
  /** The app posts a string (or anything, stringified by the test when it is not one). */
  post(msg: object | string) {
    this.link!.receive({ kind: 'message', text: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
  get posted(): Record<string, unknown>[] {
    return this.frames.flatMap((f) => (f.kind === 'post' ? [JSON.parse(f.text) as Record<string, unknown>] : []));
  }
  async next(pred: (m: Record<string, unknown>) => boolean, ms = 3000): Promise<Record<string, unknown>> {
    return this.waitFor(() => this.posted.find(pred), ms, () => `no matching message; got ${JSON.stringify(this.posted)}`);
  }
  /** The first frame from the core (load or post) that matches, already received or the next. */
  async frame(pred: (f: ToAppFrame) => boolean, ms = 3000): Promise<ToAppFrame> {
    return this.waitFor(() => this.frames.find(pred), ms, () => `no matching frame; got ${JSON.stringify(this.frames)}`);
  }
  private async waitFor<T>(find: () => T | undefined, ms: number, describe: () => string): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(describe());
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
}

export async function openView(core: ClientCore, link: string): Promise<FakeView> {
  const r = await core.handle({ type: 'openApp', link });
  if (!r.ok) throw new Error(r.error);
  const view = new FakeView(core, (r.value as { viewId: string }).viewId);
  view.post({ mt: 'Alive' });
  return view;
}

export function viewOf(core: ClientCore, name: string): FakeView {
  const app = core.snapshot().runningApps.find((a) => a.name === name)!;
  return new FakeView(core, app.viewId);
}


/**
 * alice's `consumer` app consuming `api` and the hidden provider `provider` it starts,
 * registered and alive (the pair a Client API test needs; appsConfig's names).
 */
export async function consumerAndProvider(core: ClientCore, api: string, provider = 'search'): Promise<{ consumer: FakeView; provider: FakeView }> {
  const consumer = await openView(core, 'consumer');
  consumer.post({ mt: 'ConsumeApi', api });
  await until(core, (s) => s.runningApps.some((a) => a.name === provider));
  const view = viewOf(core, provider);
  view.post({ mt: 'Alive' });
  view.post({ mt: 'RegisterApi', api });
  return { consumer, provider: view };
}
