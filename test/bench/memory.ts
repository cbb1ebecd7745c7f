/**
 * Memory of an idle app view before and after unloading it (issue 11, memory control), in the
 * browser shell with Chromium — the hook `npm run bench` calls (`memoryPerAppView`), and the
 * pieces it is made of for anyone measuring more (`sampleMemory`, `measureUnload`).
 *
 * What is measured, and why this way:
 * - The page cannot measure itself per app: `performance.measureUserAgentSpecificMemory()` needs
 *   cross-origin isolation, which the apps' own servers would have to grant (COEP/CORP). So the
 *   bench asks Chromium from outside, over the DevTools protocol.
 * - **JS heap** (`Performance.getMetrics` → `JSHeapUsedSize`, after `HeapProfiler.collectGarbage`)
 *   of the UI page's target and of every out-of-process frame target (an app on another site
 *   runs in a process of its own; one on the same site shares the UI's renderer and its heap is
 *   part of the page's). With **DOM nodes** (`Nodes`) and documents alongside.
 * - **Renderer processes** (Linux): `SystemInfo.getProcessInfo` lists Chromium's processes with
 *   their pids; their proportional set size (`/proc/<pid>/smaps_rollup` Pss, else VmRSS) is summed
 *   for the renderers. A renderer that exits gives all of it back; memory freed inside a renderer
 *   that stays may not go back to the OS at once, so this figure is reported, not used for the bar.
 *
 * The figure: per run, a fresh page logs in (M0, no app), opens the sample Echo app, which logs in
 * to its own service, and goes back home so Echo idles in the background (M1), then Echo is
 * unloaded the way the idle timer does it (`unloadApp`: PrepareReload, then the view goes) and
 * its frame is gone (M2). Reclaimed = (M1 − M2) ÷ (M1 − M0), in % of the JS heap the view had
 * added; the reference is that view's own cost (M1 − M0) in MB.
 */
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from '@playwright/test';
import { sampleAppsFor } from '../apps/catalog.js';
import { startSampleApps } from '../apps/server.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { RUNS, fillLogin, startClient } from './env.js';
import { median, type Measurement } from './results.js';

/** One look at the memory of the UI page and its app frames. */
export interface MemorySample {
  /** JS heap in use, bytes, summed over the page target and its out-of-process frame targets. */
  jsHeapUsedBytes: number;
  /** DOM nodes over the same targets. */
  domNodes: number;
  documents: number;
  /** CDP targets summed (1 + out-of-process frames). */
  targets: number;
  /** Linux: the renderer processes' proportional set size, bytes; undefined where /proc cannot be read. */
  rendererProcessBytes?: number;
}

/**
 * Sample the memory of `page` (the UI) and every frame in its own process, after garbage
 * collection. `context` must be Chromium's.
 */
export async function sampleMemory(context: BrowserContext, page: Page): Promise<MemorySample> {
  const sessions = [await context.newCDPSession(page)];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    try {
      // Only an out-of-process frame has a session of its own; the others are part of the page's.
      sessions.push(await context.newCDPSession(frame));
    } catch {
      /* same process as its parent: counted there */
    }
  }
  const sample: MemorySample = { jsHeapUsedBytes: 0, domNodes: 0, documents: 0, targets: sessions.length };
  for (const cdp of sessions) {
    try {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('Performance.enable');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
      sample.jsHeapUsedBytes += get('JSHeapUsedSize');
      sample.domNodes += get('Nodes');
      sample.documents += get('Documents');
    } finally {
      await cdp.detach().catch(() => {});
    }
  }
  const processes = await rendererProcessBytes(context);
  if (processes !== undefined) sample.rendererProcessBytes = processes;
  return sample;
}

/** Linux: Pss (else VmRSS) of Chromium's renderer processes, from the browser's own process list. */
async function rendererProcessBytes(context: BrowserContext): Promise<number | undefined> {
  const browser = context.browser();
  if (!browser || process.platform !== 'linux') return undefined;
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    let total = 0;
    for (const p of processInfo.filter((x) => x.type === 'renderer')) {
      const kb = await procKb(p.id);
      if (kb === undefined) return undefined;
      total += kb * 1024;
    }
    return total;
  } catch {
    return undefined;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

async function procKb(pid: number): Promise<number | undefined> {
  for (const [file, key] of [
    [`/proc/${pid}/smaps_rollup`, 'Pss:'],
    [`/proc/${pid}/status`, 'VmRSS:'],
  ] as const) {
    try {
      const line = (await readFile(file, 'utf8')).split('\n').find((l) => l.startsWith(key));
      if (line) return Number(line.slice(key.length).trim().split(/\s+/)[0]);
    } catch {
      /* gone or not ours: try the next file */
    }
  }
  return undefined;
}

export interface UnloadMeasurement {
  /** No app running (logged in, home screen). */
  before: MemorySample;
  /** The app open, then idle in the background. */
  idle: MemorySample;
  /** The app unloaded, its frame gone. */
  unloaded: MemorySample;
}

/**
 * One run: a fresh page of the client logs in, opens `title` and waits for `ready` in the app's
 * frame, goes home, then unloads the app the way the idle timer does (`unloadApp`) and waits for
 * its frame to go. `unload` runs the command (the bench passes the core's `handle`).
 */
export async function measureUnload(
  context: BrowserContext,
  page: Page,
  opts: { title: string; appReady: (page: Page) => Promise<void>; unload: (viewId: string) => Promise<void>; viewIdOf: (title: string) => string | undefined },
): Promise<UnloadMeasurement> {
  const before = await sampleMemory(context, page);
  await page.getByRole('region', { name: 'All apps' }).getByRole('button', { name: opts.title }).click();
  await opts.appReady(page);
  await page.getByRole('button', { name: 'Home', exact: true }).click();
  // Let the app settle in the background (its service connection, timers).
  await page.waitForTimeout(500);
  const idle = await sampleMemory(context, page);
  const viewId = opts.viewIdOf(opts.title);
  if (!viewId) throw new Error(`${opts.title} is not running`);
  await opts.unload(viewId);
  await page.locator(`iframe[title="${opts.title}"]`).waitFor({ state: 'detached' });
  await page.waitForTimeout(200);
  const unloaded = await sampleMemory(context, page);
  return { before, idle, unloaded };
}

const ORIGIN_PLACEHOLDER = 'http://apps.invalid';

/** `npm run bench`'s figure: % of an idle app view's JS heap that unloading gives back; reference: the view's cost in MB. */
export async function memoryPerAppView(context: BrowserContext): Promise<Measurement | undefined> {
  const config: EmulatorConfig = {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice', apps: ['echo'] }],
    appObjects: [{ name: 'echo', title: 'Echo', password: 'echo-pwd', url: `${ORIGIN_PLACEHOLDER}/apps/echo/echo` }],
  };
  const sample = await startSampleApps({ apps: sampleAppsFor(config, ORIGIN_PLACEHOLDER, true).apps.map((a) => ({ ...a, password: 'echo-pwd' })) });
  for (const a of config.appObjects) a.url = a.url.replace(ORIGIN_PLACEHOLDER, sample.origin);
  const reclaimed: number[] = [];
  const costs: number[] = [];
  const processes: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const client = await startClient(config);
      const page = await context.newPage();
      try {
        await fillLogin(page, client);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByRole('region', { name: 'All apps' }).getByRole('button', { name: 'Echo' }).waitFor();
        const m = await measureUnload(context, page, {
          title: 'Echo',
          appReady: async (p) => {
            await p.frameLocator('iframe[title="Echo"]').frameLocator('iframe[title="Echo"]').getByText('Session key: verified').waitFor();
          },
          viewIdOf: (title) => client.core.snapshot().runningApps.find((a) => a.title === title)?.viewId,
          unload: async (viewId) => {
            const r = await client.core.handle({ type: 'unloadApp', viewId });
            if (!r.ok) throw new Error(r.error);
          },
        });
        const cost = m.idle.jsHeapUsedBytes - m.before.jsHeapUsedBytes;
        if (cost > 0) {
          costs.push(cost / 2 ** 20);
          reclaimed.push(((m.idle.jsHeapUsedBytes - m.unloaded.jsHeapUsedBytes) / cost) * 100);
        }
        if (m.idle.rendererProcessBytes !== undefined && m.unloaded.rendererProcessBytes !== undefined) processes.push((m.idle.rendererProcessBytes - m.unloaded.rendererProcessBytes) / 2 ** 20);
      } finally {
        await page.close();
        await client.close();
      }
    }
  } finally {
    await sample.close();
  }
  if (reclaimed.length === 0) return undefined;
  return {
    value: median(reclaimed),
    unit: '% reclaimed',
    reference: { value: median(costs), unit: 'MB', what: "an idle app view's JS heap (sample Echo app, logged in to its service)" },
    runs: reclaimed,
    note: `JS heap after GC over the UI page and its out-of-process frames (CDP Performance.getMetrics).${processes.length ? ` Renderer processes (Pss) gave back ${median(processes).toFixed(1)} MB (median).` : ''}`,
  };
}
