/**
 * A WebSocket peer for the fuzz tests of the browser shell's sockets (the UI bridge, the
 * app-frame sockets): it sends what a generated frame says — text, binary, a frame past the
 * socket's limit, bytes that are not UTF-8 — and lets a test wait for what came back.
 */
import WebSocket from 'ws';

/** One generated frame: `too-big` sends the test's own oversized text, `bad-utf8` invalid bytes in a text frame. */
export type FuzzFrame = { kind: 'text'; text: string } | { kind: 'binary'; bytes: Uint8Array } | { kind: 'too-big' } | { kind: 'bad-utf8' };

export class FuzzPeer<T> {
  /** What came back, as `parse` read each message. */
  readonly received: T[] = [];
  closeCode: number | undefined;
  private readonly wake: (() => void)[] = [];

  private constructor(
    readonly ws: WebSocket,
    parse: (text: string) => T[],
    private readonly tooBig: () => string,
  ) {
    ws.on('message', (d) => {
      this.received.push(...parse(String(d)));
      this.notify();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.notify();
    });
    ws.on('error', () => {});
  }

  /** Connect to `url` as the page of `origin`; `parse` reads each message; `tooBig` makes the oversized frame. */
  static open<T>(url: string, origin: string, parse: (text: string) => T[], tooBig: () => string, options: WebSocket.ClientOptions = {}): Promise<FuzzPeer<T>> {
    const ws = new WebSocket(url, { ...options, headers: { Origin: origin } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new FuzzPeer(ws, parse, tooBig)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(f: FuzzFrame): void {
    if (!this.open) return;
    if (f.kind === 'text') this.ws.send(f.text);
    else if (f.kind === 'binary') this.ws.send(f.bytes, { binary: true });
    else if (f.kind === 'too-big') this.ws.send(this.tooBig());
    // Bytes that are not UTF-8, in a text frame (ws does not check what it sends).
    else this.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
  }

  /** Resolves once `pred` holds (re-checked on every message and on close), or fails after `ms` with `what()`. */
  async until(pred: () => boolean, what: () => string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(what());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.wake.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  private notify(): void {
    for (const w of this.wake.splice(0)) w();
  }
}
