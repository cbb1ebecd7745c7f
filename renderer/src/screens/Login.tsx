import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type RefObject } from 'react';
import type { ConnectionView, LoginMethodsView, LoginView, SessionErrorReason } from '../../../main/core/bridge/views.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { LockNote } from '../components/LockNote.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { invoke, useUi } from '../store.js';
import { useCommand, type CommandError } from '../useCommand.js';
import { useSettledValue } from '../useSettledValue.js';
import { hostOf } from '../urls.js';

type Progress = Extract<ConnectionView, { kind: 'connecting' | 'authenticating' | 'awaiting-2fa' | 'awaiting-sign-in' }>;

function progressOf(connection: ConnectionView): Progress | undefined {
  return connection.kind === 'connecting' || connection.kind === 'authenticating' || connection.kind === 'awaiting-2fa' || connection.kind === 'awaiting-sign-in' ? connection : undefined;
}

/**
 * The methods the PBX at `pbx` offers (asked once the address stops changing), after the IT
 * policy. Until it answers: what the policy forces, else the password login.
 */
function useLoginMethods(pbx: string, forced: LoginView['loginMethod']): LoginMethodsView {
  const settled = useSettledValue(pbx.trim(), 400);
  const [answer, setAnswer] = useState<{ pbx: string; methods: LoginMethodsView }>();
  useEffect(() => {
    if (settled.length < 2) return;
    let current = true;
    void invoke({ type: 'loginMethods', pbx: settled }).then((r) => {
      if (current && r.ok) setAnswer({ pbx: settled, methods: r.value as LoginMethodsView });
    });
    return () => {
      current = false;
    };
  }, [settled]);
  if (answer && answer.pbx === pbx.trim()) return answer.methods;
  return { digest: forced !== 'oauth2', oauth2: forced === 'oauth2', oauth2Name: '', answered: false };
}

export function Login() {
  const login = useUi((s) => s.snapshot?.login);
  const connection = useUi((s) => s.snapshot?.connection);
  if (!login || !connection) return null;
  return <LoginScreen login={login} connection={connection} />;
}

/**
 * The password lives only in this component's state: it goes to the core once per "Log in"
 * (and once more after trusting a certificate), and is gone when the screen unmounts on a
 * successful login.
 */
function LoginScreen({ login, connection }: { login: LoginView; connection: ConnectionView }) {
  const { t } = useI18n();
  const id = useId();
  const [pbxTyped, setPbx] = useState(login.pbx ?? '');
  const [username, setUsername] = useState(login.username ?? '');
  const [password, setPassword] = useState('');
  const [stay, setStay] = useState(true);
  // The proxy's user name stays for a second try (its password lives in the proxy form only).
  const [proxyUser, setProxyUser] = useState('');
  const { failure, run } = useCommand();
  const pbx = login.pbxLocked ? (login.pbx ?? '') : pbxTyped;
  const methods = useLoginMethods(pbx, login.loginMethod);
  const shellOpensSignIn = useUi((s) => s.snapshot?.shell.signInPage === 'shell');
  const progress = progressOf(connection);
  // The browser shell: the sign-in page goes to a window opened in the click (a window opened
  // later, when the PBX has named the page, would be blocked as a pop-up).
  const signInWindow = useRef<Window | null>(null);
  const [sso, setSso] = useState(false);
  const signInUrl = connection.kind === 'awaiting-sign-in' ? connection.signInUrl : undefined;
  useEffect(() => {
    const w = signInWindow.current;
    if (!w) return;
    if (signInUrl) {
      signInWindow.current = null;
      w.location.href = signInUrl;
    } else if (!progress) {
      // The attempt ended before the page was known: the blank window goes.
      signInWindow.current = null;
      w.close();
    }
  }, [signInUrl, progress]);
  const error = connection.kind === 'error' ? connection : undefined;
  // One object per connection state: the proxy form moves focus when the proxy answers again, not on every render.
  const proxyAuth = useMemo(() => (connection.kind === 'error' && connection.reason === 'proxy-auth-required' && connection.proxy ? { ...connection, proxy: connection.proxy } : undefined), [connection]);

  const pbxRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const trustRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  // Keyboard focus follows the flow: to Cancel while a login runs, then to the field the error is about.
  const inProgress = progress !== undefined;
  const errorReason = error?.reason;
  const wasInProgress = useRef(inProgress);
  useEffect(() => {
    if (inProgress) cancelRef.current?.focus();
    else if (wasInProgress.current) focusFor(errorReason, { pbx: pbxRef, password: passwordRef, trust: trustRef });
    wasInProgress.current = inProgress;
  }, [inProgress, errorReason]);

  const submit = () =>
    run({ type: 'login', pbx: pbx.trim(), username: username.trim(), password, stayLoggedIn: stay && login.canStayLoggedIn });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (methods.digest) void submit();
    else if (methods.oauth2) void signIn();
  };

  const signIn = async () => {
    setSso(true);
    if (!shellOpensSignIn) {
      signInWindow.current?.close();
      signInWindow.current = window.open('', '_blank');
      if (signInWindow.current) signInWindow.current.opener = null;
    }
    const result = await run({ type: 'loginOAuth2', pbx: pbx.trim(), stayLoggedIn: stay && login.canStayLoggedIn });
    if (!result.ok) {
      signInWindow.current?.close();
      signInWindow.current = null;
    }
  };

  const trust = async (fingerprint: string) => {
    const result = await run({ type: 'trustCertificate', pbx: pbx.trim(), username: username.trim(), fingerprint });
    if (!result.ok) return;
    if (password) void submit();
    else passwordRef.current?.focus();
  };

  /** The proxy that asked gets its credentials; then the stored session resumes (the core does it) or the login is sent again. */
  const sendProxyCredentials = async (proxy: string, proxyPassword: string) => {
    const result = await run({ type: 'proxyCredentials', proxy, username: proxyUser.trim(), password: proxyPassword });
    if (!result.ok || (result.value as { resumed?: boolean } | undefined)?.resumed) return;
    if (password) void submit();
    // Without the password (the page was reloaded) the login form asks for it.
    else void run({ type: 'cancelLogin' });
  };

  return (
    <div className="screen login">
      <div className="card login-card">
        <h1 tabIndex={-1}>{t('login.heading')}</h1>
        {progress ? (
          <LoginProgress progress={progress} sso={sso} cancelRef={cancelRef} onCancel={() => void run({ type: 'cancelLogin' })} />
        ) : proxyAuth ? (
          <ProxyAuthForm
            request={proxyAuth}
            user={proxyUser}
            onUser={setProxyUser}
            failure={failure}
            onSend={(proxyPassword) => void sendProxyCredentials(proxyAuth.proxy, proxyPassword)}
            onCancel={() => void run({ type: 'cancelLogin' })}
          />
        ) : (
          <form className="form" onSubmit={onSubmit}>
            {connection.kind === 'disconnected' && connection.reason === 'remote-logout' && <p className="note">{t('login.remoteLogout')}</p>}
            {error && <LoginError error={error} trustRef={trustRef} onTrust={(fp) => void trust(fp)} />}
            <ErrorAlert failure={failure} />

            <div className="field">
              <label htmlFor={`${id}-pbx`}>{t('login.pbx')}</label>
              <input
                ref={pbxRef}
                id={`${id}-pbx`}
                name="pbx"
                value={pbx}
                readOnly={login.pbxLocked}
                required
                inputMode="url"
                autoComplete="url"
                autoCapitalize="none"
                spellCheck={false}
                aria-describedby={login.pbxLocked ? `${id}-pbx-lock` : undefined}
                onChange={(e) => setPbx(e.target.value)}
              />
              {login.pbxLocked && <LockNote id={`${id}-pbx-lock`} />}
            </div>

            {methods.digest && (
              <>
            <div className="field">
              <label htmlFor={`${id}-user`}>{t('login.username')}</label>
              <input
                id={`${id}-user`}
                name="username"
                value={username}
                required
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                aria-describedby={login.usernamePattern ? `${id}-user-hint` : undefined}
                onChange={(e) => setUsername(e.target.value)}
              />
              {login.usernamePattern && (
                <span id={`${id}-user-hint`} className="hint">
                  {t('login.usernamePattern', { pattern: login.usernamePattern })}
                </span>
              )}
            </div>

            <div className="field">
              <label htmlFor={`${id}-password`}>{t('login.password')}</label>
              <input
                ref={passwordRef}
                id={`${id}-password`}
                name="password"
                type="password"
                value={password}
                required
                autoComplete="current-password"
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
              </>
            )}

            <div className="check">
              <input
                id={`${id}-stay`}
                type="checkbox"
                checked={stay && login.canStayLoggedIn}
                disabled={!login.canStayLoggedIn}
                aria-describedby={login.canStayLoggedIn ? undefined : `${id}-stay-hint`}
                onChange={(e) => setStay(e.target.checked)}
              />
              <label htmlFor={`${id}-stay`}>{t('login.stay')}</label>
              {!login.canStayLoggedIn && (
                <span id={`${id}-stay-hint`} className="hint">
                  {t('login.stayUnavailable')}
                </span>
              )}
            </div>

            {methods.digest && (
              <button type="submit" className="button button-primary button-wide">
                {t('login.submit')}
              </button>
            )}
            {methods.digest && methods.oauth2 && <p className="login-or">{t('login.or')}</p>}
            {methods.oauth2 && (
              <button type="button" className={methods.digest ? 'button button-wide' : 'button button-primary button-wide'} onClick={() => void signIn()}>
                {methods.oauth2Name ? t('login.sso', { name: methods.oauth2Name }) : t('login.ssoUnnamed')}
              </button>
            )}
          </form>
        )}
      </div>
    </div>
  );
}

function focusFor(
  reason: SessionErrorReason | undefined,
  refs: { pbx: RefObject<HTMLInputElement | null>; password: RefObject<HTMLInputElement | null>; trust: RefObject<HTMLButtonElement | null> },
): void {
  if (reason === 'certificate-untrusted' && refs.trust.current) refs.trust.current.focus();
  else if (reason === 'proxy-auth-required') return; // the proxy form focuses its own field
  else if ((reason === 'unreachable' || reason === 'bad-address') && !refs.pbx.current?.readOnly) refs.pbx.current?.select();
  else refs.password.current?.select();
}

function LoginProgress({ progress, sso, cancelRef, onCancel }: { progress: Progress; sso: boolean; cancelRef: RefObject<HTMLButtonElement | null>; onCancel: () => void }) {
  const { t, nodes } = useI18n();
  const steps: { key: Progress['kind']; label: MessageKey }[] = [
    { key: 'connecting', label: 'login.step.connect' },
    { key: 'authenticating', label: 'login.step.authenticate' },
    ...(sso || progress.kind === 'awaiting-sign-in' ? [{ key: 'awaiting-sign-in' as const, label: 'login.step.signIn' as const }] : []),
    ...(progress.kind === 'awaiting-2fa' ? [{ key: 'awaiting-2fa' as const, label: 'login.step.confirm' as const }] : []),
  ];
  const current = steps.findIndex((s) => s.key === progress.kind);
  return (
    <div className="login-progress">
      <p className="login-host">{hostOf(progress.url)}</p>
      <ol className="steps" aria-label={t('login.progress')}>
        {steps.map((step, i) => (
          <li key={step.key} className={i < current ? 'step step-done' : i === current ? 'step step-current' : 'step'} aria-current={i === current ? 'step' : undefined}>
            {t(step.label)}
          </li>
        ))}
      </ol>
      {progress.kind === 'awaiting-2fa' && <p className="twofa">{nodes('login.2fa', { code: <strong className="code">{progress.code}</strong> })}</p>}
      {progress.kind === 'awaiting-sign-in' && <SignInWaiting url={progress.signInUrl} />}
      <button ref={cancelRef} type="button" className="button" onClick={onCancel}>
        {t('login.cancel')}
      </button>
    </div>
  );
}

/**
 * "Waiting for sign-in in your browser…" with the page's address to open or copy, for when the
 * browser did not open (or opened behind this window).
 */
function SignInWaiting({ url }: { url: string }) {
  const { t } = useI18n();
  const id = useId();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // No clipboard (permission, insecure page): the field below can still be selected and copied.
      document.getElementById(`${id}-url`)?.focus();
    }
  };
  return (
    <div className="sign-in-waiting">
      <p role="status">{t('login.waitingSignIn')}</p>
      <div className="field">
        <label htmlFor={`${id}-url`}>{t('login.signInUrl')}</label>
        <input id={`${id}-url`} className="sign-in-url" value={url} readOnly spellCheck={false} aria-describedby={`${id}-hint`} onFocus={(e) => e.target.select()} />
        <span id={`${id}-hint`} className="hint">
          {t('login.signInHint')}
        </span>
      </div>
      <div className="sign-in-actions">
        <a className="button" href={url} target="_blank" rel="noopener noreferrer">
          {t('login.openSignIn')}
        </a>
        <button type="button" className="button" onClick={() => void copy()}>
          {copied ? t('login.copied') : t('login.copyUrl')}
        </button>
      </div>
    </div>
  );
}

type ProxyAuthRequest = Extract<ConnectionView, { kind: 'error' }> & { proxy: string };

/**
 * "The proxy host:port needs a user name and password": asked in our UI, sent to the core
 * with `proxyCredentials`. The password lives here only, and is cleared when sent.
 */
function ProxyAuthForm({
  request,
  user,
  onUser,
  failure,
  onSend,
  onCancel,
}: {
  request: ProxyAuthRequest;
  user: string;
  onUser: (user: string) => void;
  failure: CommandError | undefined;
  onSend: (password: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [password, setPassword] = useState('');
  const userRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  // Every answer of the proxy (a new state, even one too quick to show progress) focuses what to type next.
  useEffect(() => {
    (user ? passwordRef : userRef).current?.select();
  }, [request]);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    onSend(password);
    setPassword('');
  };
  return (
    <form className="form" onSubmit={onSubmit}>
      <div className={request.proxyCredentialsRefused ? 'alert alert-error' : 'note'} role="alert">
        <p className="alert-title">{t('login.proxy.heading', { proxy: request.proxy })}</p>
        {request.realm && <p>{t('login.proxy.realm', { realm: request.realm })}</p>}
        {request.proxyCredentialsRefused && <p>{t('login.proxy.refused')}</p>}
      </div>
      <ErrorAlert failure={failure} />
      <div className="field">
        <label htmlFor={`${id}-user`}>{t('login.proxy.username')}</label>
        <input ref={userRef} id={`${id}-user`} name="proxy-username" value={user} required autoComplete="off" autoCapitalize="none" spellCheck={false} onChange={(e) => onUser(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>{t('login.proxy.password')}</label>
        <input
          ref={passwordRef}
          id={`${id}-password`}
          name="proxy-password"
          type="password"
          value={password}
          autoComplete="off"
          aria-describedby={`${id}-hint`}
          onChange={(e) => setPassword(e.target.value)}
        />
        <span id={`${id}-hint`} className="hint">
          {t('login.proxy.hint')}
        </span>
      </div>
      <button type="submit" className="button button-primary button-wide">
        {t('login.proxy.submit')}
      </button>
      <button type="button" className="button button-wide" onClick={onCancel}>
        {t('login.cancel')}
      </button>
    </form>
  );
}

const errorText: Record<SessionErrorReason, MessageKey> = {
  unreachable: 'error.unreachable',
  'certificate-untrusted': 'error.certificate-untrusted',
  'proxy-auth-required': 'error.proxy-auth-required',
  'auth-failed': 'error.auth-failed',
  'session-expired': 'error.session-expired',
  'login-rejected': 'error.login-rejected',
  'forged-digest': 'error.forged-digest',
  'redirect-loop': 'error.redirect-loop',
  'credentials-required': 'error.credentials-required',
  'bad-address': 'error.bad-address',
  protocol: 'error.protocol',
  internal: 'error.internal',
  'sign-in-failed': 'error.sign-in-failed',
};

const errorHint: Partial<Record<SessionErrorReason, MessageKey>> = {
  unreachable: 'error.unreachable.hint',
  'bad-address': 'error.bad-address.hint',
  'certificate-untrusted': 'error.certificate-untrusted.hint',
};

type ErrorState = Extract<ConnectionView, { kind: 'error' }>;

function LoginError({ error, trustRef, onTrust }: { error: ErrorState; trustRef: RefObject<HTMLButtonElement | null>; onTrust: (fingerprint: string) => void }) {
  const { t } = useI18n();
  const hint = errorHint[error.reason];
  const fingerprint = error.reason === 'certificate-untrusted' ? error.fingerprint256 : undefined;
  return (
    <div className="alert alert-error">
      <div role="alert">
        <p className="alert-title">{t(errorText[error.reason])}</p>
        {hint && <p>{t(hint)}</p>}
        {error.message && <p className="detail">{t('error.details', { message: error.message })}</p>}
      </div>
      {fingerprint && (
        <>
          <p className="fingerprint">
            <span className="fingerprint-label">{t('login.fingerprint')}</span>
            <code>{fingerprint}</code>
          </p>
          <button ref={trustRef} type="button" className="button" onClick={() => onTrust(fingerprint)}>
            {t('login.trust')}
          </button>
        </>
      )}
    </div>
  );
}
