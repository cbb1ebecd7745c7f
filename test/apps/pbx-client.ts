/**
 * A bare myApps connection for exercising the sample App Services without the real client:
 * user login (pbx-session.md §3.2, response computed here with node:crypto) and AppGetLogin.
 * Also a bare AppWebsocket to a service. Used by the sample-app tests only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { JsonSocket, type Msg } from '../support/json-socket.js';

export { JsonSocket, type Msg };

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');


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
