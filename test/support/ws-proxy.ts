/**
 * A WebSocket man-in-the-middle for tests: relays frames between a client and an upstream
 * server, letting a test rewrite frames from the server (to forge digests, for instance).
 */
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';

export interface Proxy {
  url: (path: string) => string;
  close: () => Promise<void>;
}

export async function startProxy(upstreamOrigin: string, fromServer: (text: string) => string): Promise<Proxy> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (client, req) => {
    const upstream = new WebSocket(upstreamOrigin + (req.url ?? '/'));
    const queue: string[] = [];
    upstream.on('open', () => queue.splice(0).forEach((t) => upstream.send(t)));
    client.on('message', (d) => (upstream.readyState === WebSocket.OPEN ? upstream.send(d.toString()) : queue.push(d.toString())));
    upstream.on('message', (d) => client.readyState === WebSocket.OPEN && client.send(fromServer(d.toString())));
    client.on('close', () => upstream.close());
    upstream.on('close', () => client.close());
    upstream.on('error', () => client.terminate());
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}
