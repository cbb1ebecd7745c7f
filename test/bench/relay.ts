/**
 * Client API round trips per second between two apps through the client (consumer app →
 * client → provider app → client → consumer app, 100 requests in flight), side by side with two
 * iframes of one page posting to each other directly — the floor no multi-app host can beat.
 */
import type { BrowserContext, Frame, Page } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorConfig } from '../pbx/index.js';
import { RUNS, fillLogin, startClient } from './env.js';
import { median, type Measurement } from './results.js';

const ROUNDS = 5000;
const IN_FLIGHT = 100;
/**
 * Where the two apps are served. On the client's own host (the default) they share the client's
 * renderer process. `BENCH_APPS_HOST=127.0.0.2` puts them on another site, as apps on a PBX are:
 * Chromium then runs them in a process of their own, and every window post between an app and
 * its app-frame page crosses processes (the direct pair stays in one process either way).
 */
const APPS_HOST = process.env.BENCH_APPS_HOST ?? '127.0.0.1';

/** A provider that answers every request at once; a consumer that keeps requests in flight; the direct pair. */
const pages: Record<string, string> = {
  'provider.htm': `<script>parent.postMessage(JSON.stringify({mt:'Alive'}),'*');parent.postMessage(JSON.stringify({mt:'RegisterApi',api:'bench.echo'}),'*');
    addEventListener('message',(e)=>{if(typeof e.data!=='string')return;const m=JSON.parse(e.data);if(m.mt==='ApiRequest')parent.postMessage(JSON.stringify({mt:'ApiResult',api:m.api,consumer:m.consumer,src:m.src,msg:m.msg}),'*');});</script>`,
  'consumer.htm': `<script>parent.postMessage(JSON.stringify({mt:'Alive'}),'*');parent.postMessage(JSON.stringify({mt:'ConsumeApi',api:'bench.echo'}),'*');let sent=0,done=0,n=0,finish=null,t0=0;
    const send=()=>parent.postMessage(JSON.stringify({mt:'ApiRequest',api:'bench.echo',provider:'provider',src:String(++sent),msg:{n:sent}}),'*');
    addEventListener('message',(e)=>{if(typeof e.data!=='string'||!finish)return;const m=JSON.parse(e.data);if(m.mt!=='ApiResult')return;if(++done===n){const f=finish;finish=null;f(performance.now()-t0);}else if(sent<n)send();});
    window.run=(count)=>new Promise((res)=>{sent=0;done=0;n=count;finish=res;t0=performance.now();for(let i=0;i<${IN_FLIGHT};i++)send();});</script>`,
  // Two iframes of one page: the consumer posts to its sibling, which answers the same JSON back.
  'direct.htm': `<iframe id=p srcdoc="<script>addEventListener('message',(e)=>{const m=JSON.parse(e.data);e.source.postMessage(JSON.stringify({mt:'ApiResult',api:m.api,consumer:'consumer',src:m.src,msg:m.msg}),'*')})</script>"></iframe>
    <iframe id=c srcdoc="<script>let sent=0,done=0,n=0,finish=null,t0=0;const p=()=>parent.frames[0];const send=()=>p().postMessage(JSON.stringify({mt:'ApiRequest',api:'bench.echo',provider:'provider',src:String(++sent),msg:{n:sent}}),'*');addEventListener('message',(e)=>{JSON.parse(e.data);if(++done===n){const f=finish;finish=null;f(performance.now()-t0);}else if(sent<n)send();});window.run=(count)=>new Promise((res)=>{sent=0;done=0;n=count;finish=res;t0=performance.now();for(let i=0;i<${IN_FLIGHT};i++)send();});</script>"></iframe>
    <script>window.run=(n)=>document.getElementById('c').contentWindow.run(n);</script>`,
};

type Runner = Frame | Page;
const run = (where: Runner, n: number) => where.evaluate((count) => (window as unknown as { run(n: number): Promise<number> }).run(count), n);

async function until<T>(get: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function relay(context: BrowserContext): Promise<Measurement> {
  const appServer = createServer((req, res) => {
    const body = pages[(req.url ?? '').split('?')[0]!.split('/').pop()!];
    if (body) res.writeHead(200, { 'Content-Type': 'text/html' }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => appServer.listen(0, APPS_HOST, r));
  const origin = `http://${APPS_HOST}:${(appServer.address() as AddressInfo).port}`;
  const config: EmulatorConfig = {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', apps: ['consumer', 'provider'] }],
    appObjects: [
      { name: 'consumer', title: 'Consumer', password: 'x', url: `${origin}/bench/consumer` },
      { name: 'provider', title: 'Provider', password: 'x', url: `${origin}/bench/provider`, hidden: true, apis: { 'bench.echo': {} } },
    ],
  };
  const c = await startClient(config);
  const page = await context.newPage();
  await fillLogin(page, c);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('region', { name: 'All apps' }).getByRole('button', { name: 'Consumer' }).click();
  const consumer = await until(async () => {
    const f = page.frames().find((x) => x.url().includes('/bench/consumer.htm'));
    return f && (await f.evaluate(() => typeof (window as unknown as { run?: unknown }).run === 'function')) ? f : undefined;
  });
  const direct = await context.newPage();
  await direct.goto(`${origin}/direct.htm`);
  await direct.waitForFunction(() => typeof ((document.getElementById('c') as HTMLIFrameElement | null)?.contentWindow as { run?: unknown } | null | undefined)?.run === 'function');
  // Warm up both (the first request starts the hidden provider), then alternate the runs.
  await run(consumer, 500);
  await run(direct, 500);
  const ours: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(ROUNDS / ((await run(consumer, ROUNDS)) / 1000));
    floor.push(ROUNDS / ((await run(direct, ROUNDS)) / 1000));
  }
  await direct.close();
  await page.close();
  await c.close();
  appServer.close();
  return { value: median(ours), unit: 'round trips/s', runs: ours.map(Math.round), reference: { value: median(floor), unit: 'round trips/s', what: 'two iframes posting directly' }, note: `${ROUNDS} round trips per run, ${IN_FLIGHT} in flight, medians of ${RUNS} runs; the apps served from ${APPS_HOST}` };
}
