import { useEffect, useState, type ReactNode } from 'react';
import type { ConnectionView } from '../../../main/core/bridge/views.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useUi } from '../store.js';
import { hostOf } from '../urls.js';

type Tone = 'ok' | 'busy' | 'offline' | 'error';

/** Always visible: the state of the link to the core, else of the PBX connection, in words. */
export function StatusBar() {
  const { t } = useI18n();
  const bridge = useUi((s) => s.bridge);
  const connection = useUi((s) => s.snapshot?.connection);
  let tone: Tone;
  let text: ReactNode;
  if (bridge === 'lost') {
    tone = 'error';
    text = (
      <>
        {t('bridge.lost')} <span className="status-detail">{t('bridge.retrying')}</span>
      </>
    );
  } else if (!connection) {
    tone = 'busy';
    text = t('bridge.connecting');
  } else {
    [tone, text] = describe(connection, t);
  }
  return (
    <footer className="statusbar">
      <div role="status" aria-live="polite" className={`status status-${tone}`}>
        <span className="status-dot" aria-hidden="true" />
        <span className="status-text">{text}</span>
      </div>
    </footer>
  );
}

const problem: Record<Extract<ConnectionView, { kind: 'error' }>['reason'], MessageKey> = {
  unreachable: 'problem.unreachable',
  'certificate-untrusted': 'problem.certificate-untrusted',
  'proxy-auth-required': 'problem.proxy-auth-required',
  'auth-failed': 'problem.auth-failed',
  'session-expired': 'problem.session-expired',
  'login-rejected': 'problem.login-rejected',
  'forged-digest': 'problem.forged-digest',
  'redirect-loop': 'problem.redirect-loop',
  'credentials-required': 'problem.credentials-required',
  'bad-address': 'problem.bad-address',
  protocol: 'problem.protocol',
  internal: 'problem.internal',
  'sign-in-failed': 'problem.sign-in-failed',
};

function describe(c: ConnectionView, t: ReturnType<typeof useI18n>['t']): [Tone, ReactNode] {
  switch (c.kind) {
    case 'disconnected':
      return ['offline', t('status.offline')];
    case 'connecting':
      return ['busy', t(c.redirectedFrom ? 'status.redirected' : 'status.connecting', { host: hostOf(c.url) })];
    case 'authenticating':
      return ['busy', t('status.authenticating')];
    case 'awaiting-2fa':
      return ['busy', t('status.awaiting2fa')];
    case 'awaiting-sign-in':
      return ['busy', t('status.awaitingSignIn')];
    case 'logged-in':
      return [
        'ok',
        <>
          {t('status.connected', { host: hostOf(c.url) })}
          {c.standby && <> {t('status.standby')}</>}
        </>,
      ];
    case 'reconnecting':
      return ['busy', <Reconnecting key="reconnecting" attempt={c.attempt} nextRetryAt={c.nextRetryAt} lastError={c.lastError} />];
    case 'error':
      return ['error', t('status.error', { problem: t(problem[c.reason]) })];
  }
}

function Reconnecting({ attempt, nextRetryAt, lastError }: { attempt: number; nextRetryAt: number; lastError: string }) {
  const { t } = useI18n();
  const seconds = useSecondsUntil(nextRetryAt);
  return (
    <>
      {/* The countdown ticks every second; aria-live="off" keeps screen readers from announcing each tick. */}
      <span aria-live="off">{seconds > 0 ? t('status.reconnectingIn', { seconds, attempt }) : t('status.reconnectingNow', { attempt })}</span>
      {lastError && <span className="status-detail"> — {lastError}</span>}
    </>
  );
}

function secondsUntil(at: number): number {
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Whole seconds until `at`; checked four times a second so the shown number flips on time. */
function useSecondsUntil(at: number): number {
  const [seconds, setSeconds] = useState(() => secondsUntil(at));
  useEffect(() => {
    setSeconds(secondsUntil(at));
    const timer = window.setInterval(() => {
      const left = secondsUntil(at);
      setSeconds(left);
      if (left === 0) window.clearInterval(timer);
    }, 250);
    return () => window.clearInterval(timer);
  }, [at]);
  return seconds;
}
