/**
 * The identity provider behind the emulator's OAuth2 login (pbx-session.md §3.8): a real
 * OpenID Connect provider (`oidc-provider`), started on loopback by tests and the demo, with its
 * own sign-in page instead of the library's development screens. Only the page is ours; tokens,
 * PKCE, sessions and errors are the library's.
 *
 * Client registration: the PBX is registered as a `native` client with the redirect URI
 * `http://127.0.0.1/oauth2/callback` (and the `localhost` / `[::1]` spellings). oidc-provider
 * matches loopback redirect URIs of native clients on any port (RFC 8252 §7.3), so the emulator
 * may pick its port after the IdP started. The same rule accepts only `http`, which is why OAuth2
 * needs an emulator without TLS.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Provider from 'oidc-provider';
import type { OAuth2Config } from './config.js';
import { OAUTH2_CALLBACK_PATH, escapeHtml } from './oauth2.js';

export interface IdentityProviderAccount {
  /** Also the account id (`sub`): the emulator maps it to the user with this SIP name. */
  username: string;
  password: string;
}

export interface IdentityProvider {
  /** `http://127.0.0.1:PORT` */
  issuer: string;
  /** What to put into the emulator config's `oauth2` to use this provider. */
  pbxConfig: OAuth2Config;
  close(): Promise<void>;
}

const MAX_FORM_BYTES = 16 * 1024;

function signInPage(uid: string, opts: { username?: string; error?: string }): string {
  const action = `/interaction/${encodeURIComponent(uid)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<main>
<h1>Sign in</h1>
${opts.error ? `<p role="alert">${escapeHtml(opts.error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<p><label for="username">Username</label> <input id="username" name="username" autocomplete="username" autofocus value="${escapeHtml(opts.username ?? '')}"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password"></p>
<p><button type="submit" name="action" value="signin">Sign in</button>
<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button></p>
</form>
</main>
</body></html>
`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
}

export async function startIdentityProvider(opts: { accounts: IdentityProviderAccount[] }): Promise<IdentityProvider> {
  // Keyed by a name from outside (a test or the demo): a Map, so "__proto__" is just a name.
  const accounts = new Map<string, string>();
  for (const a of opts.accounts) {
    if (typeof a?.username !== 'string' || a.username === '' || typeof a.password !== 'string') {
      throw new TypeError('startIdentityProvider: every account needs a non-empty username and a password string');
    }
    accounts.set(a.username, a.password);
  }

  const server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pbxConfig: OAuth2Config = { issuer, clientId: 'myapps-pbx-emulator', clientSecret: randomBytes(24).toString('hex') };

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [{
      client_id: pbxConfig.clientId,
      client_secret: pbxConfig.clientSecret,
      application_type: 'native',
      redirect_uris: ['127.0.0.1', 'localhost', '[::1]'].map((h) => `http://${h}${OAUTH2_CALLBACK_PATH}`),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [{ ...signingKey, kid: 'emulator-idp', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    findAccount: (_ctx: unknown, sub: string) => (accounts.has(sub) ? { accountId: sub, claims: () => ({ sub }) } : undefined),
    // Short lives: a sign-in is a matter of minutes, and explicit values keep the library from nagging.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  });
  const oidc = provider.callback();

  /** Our sign-in page: GET shows it, POST signs in or cancels (→ `access_denied` at the redirect URI). */
  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name !== 'login') {
      // Consent is given together with the login below; any other prompt is a bug here.
      return send(res, 500, `<p>Unexpected prompt ${escapeHtml(details.prompt.name)}</p>`);
    }
    if (req.method === 'GET') return send(res, 200, signInPage(details.uid, {}));
    if (req.method !== 'POST') return send(res, 405, '<p>Method not allowed</p>');
    const form = await readForm(req);
    if (form.get('action') === 'cancel') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
    }
    const username = form.get('username') ?? '';
    const expected = accounts.get(username);
    if (expected === undefined || form.get('password') !== expected) {
      // Shown again; the authorization request (and the PBX) keep waiting.
      return send(res, 200, signInPage(details.uid, { username, error: 'Wrong username or password.' }));
    }
    // The PBX is the only client and first party: signing in is consent (no second screen).
    // oidc-provider always prompts native clients for consent unless the result carries one.
    const grant = new provider.Grant({ accountId: username, clientId: String(details.params.client_id) });
    grant.addOIDCScope('openid');
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { login: { accountId: username }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (!path.startsWith('/interaction/')) return oidc(req, res);
    interaction(req, res).catch((e: unknown) => {
      // An expired or unknown interaction (e.g. a stale tab) is the user's problem, not a crash.
      if (!res.headersSent) send(res, 400, `<p>Sign-in failed: ${escapeHtml((e as Error).message)}</p>`);
      else res.end();
    });
  });

  return {
    issuer,
    pbxConfig,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
