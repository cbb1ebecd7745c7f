/**
 * A bare myApps connection for exercising the sample App Services without the real client:
 * user login (pbx-session.md §3.2, response computed here with node:crypto) and AppGetLogin.
 * Also a bare AppWebsocket to a service. Used by the sample-app tests only.
 */
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames are free-form JSON
export type Msg = Record<string, any>;

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** A JSON websocket with "take the next message of this mt". */
export class JsonSocket {
  readonly inbox: Msg[] = [];
  private readonly taken = new Set<Msg>();
  private wake: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.inbox.push(JSON.parse(String(data)) as Msg);
      for (const w of this.wake.splice(0)) w();
    });
  }

  static open(url: string): Promise<JsonSocket> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new JsonSocket(ws)));
      ws.once('error', reject);
    });
  }

  send(msg: object): void {
    this.ws.send(JSON.stringify(msg));
  }

  async next(mt: string, pred: (m: Msg) => boolean = () => true, timeoutMs = 3000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.inbox.find((x) => !this.taken.has(x) && x.mt === mt && pred(x));
      if (m) {
        this.taken.add(m);
        return m;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${mt} within ${timeoutMs} ms; got: ${JSON.stringify(this.inbox.map((x) => [x.mt, x.src]))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

/** A logged-in myApps user connection to the PBX (emulator). */
export class PbxUser {
  private src = 0;
  private constructor(readonly socket: JsonSocket) {}

  static async login(pbxUrl: string, sip: string, password: string): Promise<PbxUser> {
    const s = await JsonSocket.open(pbxUrl);
    s.send({ mt: 'Login', type: 'user', userAgent: 'sample-apps-test' });
    const auth = await s.next('Authenticate');
    const nonce = randomBytes(8).toString('hex');
    const response = sha256(`innovaphoneAppClient:user:${auth.domain}:${sip}:${password}:${nonce}:${auth.challenge}`);
    s.send({ mt: 'Login', type: 'user', method: 'digest', username: sip, nonce, response, userAgent: 'sample-apps-test' });
    const result = await s.next('LoginResult');
    if (result.error !== undefined) {
      s.close();
      throw new Error(`PBX login failed: ${result.errorText ?? result.error}`);
    }
    return new PbxUser(s);
  }

  /** AppGetLogin{src, app, challenge} → AppGetLoginResult (with the same src). */
  async appGetLogin(app: string, challenge: string): Promise<Msg> {
    const src = `sample-${++this.src}`;
    this.socket.send({ mt: 'AppGetLogin', src, app, challenge });
    return this.socket.next('AppGetLoginResult', (m) => m.src === src);
  }

  close(): void {
    this.socket.close();
  }
}

/** The fields of an AppGetLoginResult that go into AppLogin (what lib1 forwards). */
export function appLoginFrom(r: Msg): Msg {
  const login: Msg = { mt: 'AppLogin', app: r.app, domain: r.domain, sip: r.sip, guid: r.guid, dn: r.dn, digest: r.digest, pbxObj: r.pbxObj };
  if (r.info !== undefined) login.info = r.info;
  return login;
}
