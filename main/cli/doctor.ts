/**
 * `doctor`: log in to a PBX headless and show, one JSON object per line, every step the
 * desktop client would take — for IT diagnosing a desktop and for app developers who need a
 * login for their App Service.
 *
 *   npm run doctor -- --pbx <url|host> --user <name> [--app <name> --challenge <c>]
 *                     [--trust-fingerprint <sha256>] [--timeout <ms>] [--verbose]
 *   npm run doctor -- --pbx <url|host> --method oauth2 [--sign-in-timeout <ms>] [...]
 *
 * The password comes from MYAPPS_PASSWORD or a prompt that does not echo. With `--method oauth2`
 * (single sign-on) there is none: doctor prints the sign-in page's URL and waits until the sign-in
 * in a browser ends, `--sign-in-timeout` passes (default 5 minutes) or Ctrl+C. Nothing is stored.
 * Exit codes (README.md has the table):
 *   0 ok, 2 usage, 3 unreachable or the connection was lost, 4 authentication, 5 certificate,
 *   6 forged digest, 7 app login refused, 8 app login timed out, 4 also for a sign-in that failed,
 *   was cancelled (Ctrl+C) or timed out, 1 anything else.
 * Whatever fails, the last line on stdout is `{"step":"error","reason":…,"message":…}` and
 * stderr gets one plain sentence: never a stack trace (bin/doctor.ts catches the unexpected).
 */
import { stderrLogger, silentLogger } from '../core/common/log.js';
import { loginMessageJson } from '../core/apps/login-message.js';
import { environmentProxy } from '../core/pbx/proxy.js';
import { AppGetLoginError, PbxSession } from '../core/pbx/session.js';
import type { SessionErrorReason } from '../core/pbx/state.js';
import { normalizeFingerprint } from '../core/pbx/tls-trust.js';
import { parseOptions, UsageError } from './args.js';
import { readPassword } from './password.js';

const usage = `usage: npm run doctor -- --pbx <url|host> --user <name> [--app <name> --challenge <challenge>]
                     [--trust-fingerprint <sha256>] [--timeout <ms>] [--verbose]
       npm run doctor -- --pbx <url|host> --method oauth2 [--sign-in-timeout <ms>] [same options]
password: MYAPPS_PASSWORD, or typed at the prompt (not echoed); none for --method oauth2 (sign in in a browser)`;

/** How long doctor waits for a single sign-on in the browser, unless --sign-in-timeout says otherwise. */
const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export type DoctorReason = SessionErrorReason | 'app-login' | 'app-login-timeout' | 'usage';

/** Exit codes by reason; README.md's doctor table lists each (test/integration/doctor.test.ts checks). Others exit 1. */
export const exitCodes: Readonly<Partial<Record<DoctorReason, number>>> = {
  usage: 2,
  unreachable: 3,
  'auth-failed': 4,
  'session-expired': 4,
  'credentials-required': 4,
  'certificate-untrusted': 5,
  // The PBX is not reachable until the proxy has credentials (in HTTPS_PROXY: http://user:password@host:port).
  'proxy-auth-required': 3,
  'forged-digest': 6,
  'sign-in-failed': 4,
  'app-login': 7,
  'app-login-timeout': 8,
};

type Out = (record: Record<string, unknown>) => void;

/** The error line and the one sentence on stderr; returns the exit code of `reason`. */
function failure(out: Out, reason: DoctorReason, message: string, extra: Record<string, unknown> = {}): number {
  out({ step: 'error', reason, message, ...extra });
  process.stderr.write(`doctor: ${message}\n`);
  return exitCodes[reason] ?? 1;
}

export async function doctor(argv: readonly string[], out: Out, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let options;
  try {
    options = parseOptions(argv, { pbx: 'string', user: 'string', method: 'string', 'sign-in-timeout': 'string', app: 'string', challenge: 'string', 'trust-fingerprint': 'string', timeout: 'string', verbose: 'boolean', help: 'boolean' });
    if (options.help) {
      process.stderr.write(usage + '\n');
      return 0;
    }
    if (!options.pbx) throw new UsageError('--pbx is required');
    if (options.method !== undefined && options.method !== 'digest' && options.method !== 'oauth2') throw new UsageError('--method must be digest or oauth2');
    // Single sign-on: the user is whoever signs in at the identity provider.
    if (options.method === 'oauth2' && options.user !== undefined) throw new UsageError('--user does not go with --method oauth2 (the identity provider says who signs in)');
    if (options.method !== 'oauth2' && options['sign-in-timeout'] !== undefined) throw new UsageError('--sign-in-timeout goes with --method oauth2');
    if (options.method !== 'oauth2' && !options.user) throw new UsageError('--user is required');
    if (options['sign-in-timeout'] !== undefined && !/^\d+$/.test(options['sign-in-timeout'])) throw new UsageError('--sign-in-timeout must be a number of milliseconds');
    if ((options.app === undefined) !== (options.challenge === undefined)) throw new UsageError('--app and --challenge go together');
    if (options['trust-fingerprint']) normalizeFingerprint(options['trust-fingerprint']);
    if (options.timeout !== undefined && !/^\d+$/.test(options.timeout)) throw new UsageError('--timeout must be a number of milliseconds');
  } catch (e) {
    out({ step: 'error', reason: 'usage', message: (e as Error).message });
    process.stderr.write(`${(e as Error).message}\n${usage}\n`);
    return exitCodes.usage!;
  }
  const timeoutMs = Number(options.timeout ?? 15_000);
  const sso = options.method === 'oauth2';
  const password = sso ? '' : (env.MYAPPS_PASSWORD ?? (await readPassword(`Password for ${options.user}: `)));
  if (password === undefined) {
    out({ step: 'error', reason: 'usage', message: 'no password: set MYAPPS_PASSWORD or type it at the prompt' });
    process.stderr.write('\ndoctor: no password: set MYAPPS_PASSWORD or type it at the prompt\n');
    return exitCodes.usage!;
  }

  // Plain Node: the proxy of the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), with any credentials written into it.
  const proxy = environmentProxy(env);
  for (const problem of proxy.problems) out({ step: 'warning', message: problem });
  const session = new PbxSession({
    address: options.pbx,
    proxyFor: (url) => proxy.resolve(url),
    proxyCredentials: (p) => proxy.credentials(p),
    userAgent: 'myApps doctor',
    trustedFingerprints: options['trust-fingerprint'] ? [options['trust-fingerprint']] : [],
    log: options.verbose ? stderrLogger('debug') : silentLogger,
    loginTimeoutMs: timeoutMs,
    // The wait for the sign-in in the browser (and for a 2FA approval after it).
    authorizeTimeoutMs: Number(options['sign-in-timeout'] ?? DEFAULT_SIGN_IN_TIMEOUT_MS),
    requestTimeoutMs: timeoutMs,
    connectTimeoutMs: timeoutMs,
  });
  session.on('state', (s) => {
    if (s.kind === 'connecting') {
      const via = proxy.resolve(s.url);
      out({ step: 'connect', url: s.url, ...(s.redirectedFrom && { redirectedFrom: s.redirectedFrom }), ...(via !== 'DIRECT' && { proxy: via }) });
    }
    if (s.kind === 'authenticating') out({ step: 'authenticate', type: s.type, url: s.url });
    if (s.kind === 'awaiting-2fa') out({ step: 'authorize', code: s.code, message: 'Approve this login on another device of yours (Account security).' });
    if (s.kind === 'awaiting-sign-in') {
      out({ step: 'sign-in', url: s.signInUrl, message: 'Open this page in a browser and sign in; doctor waits (Ctrl+C cancels).' });
      process.stderr.write(`Sign in here: ${s.signInUrl}\n`);
    }
  });
  // What the PBX offers, for a sign-in that it may not (the password path keeps its steps as they were).
  if (sso) session.on('loginMethods', (m) => out({ step: 'login-methods', digest: m.digest, oauth2: m.oauth2, ...(m.oauth2Name && { oauth2Name: m.oauth2Name }) }));
  // Ctrl+C while waiting for the sign-in: the attempt is closed and reported like any failure.
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    session.close();
  };
  if (sso) process.once('SIGINT', onInterrupt);
  session.on('protocolError', (e) => out({ step: 'warning', message: `dropped a malformed frame from the PBX: ${e.error}` }));
  const appsDone = session.next('apps');

  try {
    const state = await session.login(sso ? { method: 'oauth2' } : { username: options.user, password });
    if (interrupted) return failure(out, 'sign-in-failed', 'The sign-in was cancelled (Ctrl+C).');
    if (state.kind !== 'logged-in') {
      const failed = state.kind === 'error' ? state : { reason: 'unreachable' as const, message: `The PBX could not be reached (${state.kind}).` };
      if (failed.reason === 'proxy-auth-required') {
        const hint = 'proxy' in failed && failed.proxy ? ` Put the user name and password into the proxy variable: HTTPS_PROXY=http://<user>:<password>@${failed.proxy}` : '';
        return failure(out, failed.reason, `${failed.message}${hint}`, 'proxy' in failed && failed.proxy ? { proxy: failed.proxy } : {});
      }
      return failure(out, failed.reason, failed.message, 'fingerprint256' in failed && failed.fingerprint256 ? { fingerprint256: failed.fingerprint256 } : {});
    }
    out({ step: 'login-result', ok: true, url: state.url, standby: state.standby });
    out({ step: 'user', ...state.user });
    const snapshot = await withTimeout(appsDone, timeoutMs);
    if (!snapshot) return failure(out, 'protocol', `The PBX sent no app list within ${timeoutMs} ms.`);
    for (const app of snapshot.apps) {
      out({ step: 'app', name: app.name, title: app.title ?? '', url: app.url, website: app.website === true, hidden: app.info?.hidden === true, ...(app.info?.apis && { apis: Object.keys(app.info.apis) }) });
    }
    out({ step: 'complete', apps: snapshot.apps.length, selected: snapshot.selected, deviceApps: snapshot.deviceApps.map((d) => d.name) });

    if (options.app !== undefined && options.challenge !== undefined) {
      const app = options.app;
      let answer;
      try {
        answer = await session.appGetLogin(app, options.challenge, timeoutMs);
      } catch (e) {
        if (!(e instanceof AppGetLoginError)) throw e;
        if (e.reason === 'timeout') return failure(out, 'app-login-timeout', `The PBX did not answer the app login for "${app}" within ${timeoutMs} ms.`);
        // The link ended (or the session with it) before the answer came.
        return failure(out, 'unreachable', `No app login for "${app}": ${lowerFirst(e.message.replace(/\.$/, ''))}.`);
      }
      if (answer.result.error !== undefined) {
        const message = `The PBX refused a login for app "${app}": ${answer.result.errorText ?? `error ${answer.result.error}`}.`;
        return failure(out, 'app-login', message, { error: answer.result.error });
      }
      out({ step: 'app-login', app, message: JSON.parse(loginMessageJson(answer)) as unknown });
    }
    return 0;
  } catch (e) {
    return failure(out, 'internal', e instanceof Error ? e.message : String(e));
  } finally {
    process.off('SIGINT', onInterrupt);
    session.close();
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** `promise`'s value, or undefined after `ms`; the timer never outlives the race. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
