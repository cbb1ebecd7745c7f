/**
 * Probe apps for the app-view tests: tiny pages on an origin of their own (a local HTTP
 * server) that say Alive, count clicks, record every string they are posted, contain a nested
 * frame, and report what their permissions policy allows them.
 */
import { expect, type Frame, type Page } from '@playwright/test';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorConfig } from '../pbx/index.js';

/** A probe app: says Alive, counts clicks, records every string it is posted, contains a nested frame, and tells what its permissions policy allows. */
export const probePage = `<!doctype html><html><head><meta charset="utf-8"><title>probe</title></head>
<body><h1 id="title"></h1><p id="count">Count: 0</p><button id="inc">Count</button><p id="loads"></p>
<iframe id="nested" src="nested.html" title="nested"></iframe>
<script>
  const params = new URLSearchParams(location.search);
  document.getElementById('title').textContent = params.get('title') || 'probe';
  const loads = Number(sessionStorage.getItem('loads') || '0') + 1;
  sessionStorage.setItem('loads', String(loads));
  document.getElementById('loads').textContent = 'Loads: ' + loads;
  let count = 0;
  document.getElementById('inc').addEventListener('click', () => { document.getElementById('count').textContent = 'Count: ' + ++count; });
  window.received = [];
  addEventListener('message', (e) => { if (typeof e.data === 'string') window.received.push(JSON.parse(e.data)); });
  window.send = (msg) => parent.postMessage(JSON.stringify(msg), '*');
  // What this document's permissions policy allows: the app iframe's allow attribute.
  window.allows = (feature) => document.featurePolicy.allowsFeature(feature);
  if (params.get('name') === 'search') window.send({ mt: 'RegisterApi', api: 'com.innovaphone.search' });
  window.send({ mt: 'Alive' });
</script></body></html>`;
const nestedPage = `<!doctype html><title>nested</title><p>nested</p>`;
const sitePage = `<!doctype html><title>site</title><p>A plain website</p>`;

export class AppServer {
  readonly requests: string[] = [];
  /** Paths whose first request is never answered (the app "does not load"). */
  readonly hangOnce = new Set<string>();
  private readonly hanging: ServerResponse[] = [];
  private constructor(
    private readonly server: Server,
    readonly base: string,
  ) {}

  static async start(): Promise<AppServer> {
    const handler: { app?: AppServer } = {};
    const server = createServer((req, res) => handler.app!.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    handler.app = new AppServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return handler.app;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]!;
    this.requests.push(req.url ?? '');
    if (this.hangOnce.delete(path)) {
      this.hanging.push(res);
      return;
    }
    const html = (body: string) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(body);
    if (path.endsWith('/probe.htm')) html(probePage);
    else if (path.endsWith('/nested.html')) html(nestedPage);
    else if (path === '/apps/site/index.html') html(sitePage);
    else res.writeHead(404).end();
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** The probe page of the app `name` (`/apps/<name>/probe.htm`, inside its app-frame page), once it exists. */
export async function probeFrame(page: Page, name: string): Promise<Frame> {
  const pattern = new RegExp(`/apps/${name}/probe\\.htm`);
  await expect.poll(() => page.frames().some((f) => pattern.test(f.url()))).toBe(true);
  return page.frames().find((f) => pattern.test(f.url()))!;
}

/** The probe app in `frame` answers every `ApiRequest` it is posted with an `ApiResult` echoing its `msg`. */
export async function answerEveryRequest(frame: Frame): Promise<void> {
  await frame.evaluate(() => {
    const w = window as unknown as { send(m: unknown): void };
    addEventListener('message', (e) => {
      const m = JSON.parse(e.data as string) as { mt: string; api: string; consumer: string; src: string; msg: unknown };
      if (m.mt === 'ApiRequest') w.send({ mt: 'ApiResult', api: m.api, consumer: m.consumer, src: m.src, msg: { echo: m.msg } });
    });
  });
}

export function appsConfig(base: string): EmulatorConfig {
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', cn: 'Alice Example', apps: ['probe', 'other', 'search', 'slow', 'site'], home: 'probe' }],
    appObjects: [
      { name: 'probe', title: 'Probe', password: 'probepwd', url: `${base}/apps/probe/probe` },
      { name: 'other', title: 'Other App', password: 'otherpwd', url: `${base}/apps/other/probe` },
      { name: 'search', title: 'Search', password: 'searchpwd', url: `${base}/apps/search/probe`, hidden: true, apis: { 'com.innovaphone.search': {} } },
      { name: 'slow', title: 'Slow', password: 'slowpwd', url: `${base}/apps/slow/probe` },
      { name: 'site', title: 'Site', password: 'x', url: `${base}/apps/site/index.html`, website: true },
    ],
  } as EmulatorConfig;
}
