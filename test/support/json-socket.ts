/**
 * A bare JSON WebSocket for protocol tests: every frame parsed into an inbox, and "take the
 * oldest not yet taken message of this mt", waiting for it if needed. Used where a test must
 * speak a protocol itself instead of through the client's code.
 */
import WebSocket, { type ClientOptions } from 'ws';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames are free-form JSON in protocol tests
export type Msg = Record<string, any>;

export class JsonSocket {
  readonly inbox: Msg[] = [];
  readonly closed: Promise<number>;
  private readonly taken = new Set<Msg>();
  private wake: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.inbox.push(JSON.parse(String(data)) as Msg);
      for (const w of this.wake.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  }

  static open(url: string, opts?: ClientOptions): Promise<JsonSocket> {
    const ws = new WebSocket(url, opts);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new JsonSocket(ws)));
      ws.once('error', reject);
    });
  }

  send(msg: object): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** The oldest not yet taken message with this mt (and predicate), waiting if needed. */
  async next(mt: string, pred: (m: Msg) => boolean = () => true, timeoutMs = 3000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.inbox.find((x) => !this.taken.has(x) && x.mt === mt && pred(x));
      if (m) {
        this.taken.add(m);
        return m;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${mt} within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox.map((x) => [x.mt, x.src]))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  /** Every not yet taken message of this mt, taken now. */
  takeAll(mt: string): Msg[] {
    const all = this.inbox.filter((x) => !this.taken.has(x) && x.mt === mt);
    for (const m of all) this.taken.add(m);
    return all;
  }

  close(): void {
    this.ws.terminate();
  }
}
