import { useId, useMemo } from 'react';
import type { SessionItem } from '../../../main/core/bridge/views.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useI18n, type I18n } from '../i18n.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';
import { hostOf } from '../urls.js';

const noSessions: SessionItem[] = [];

/** This device first, then sessions waiting for approval, then the rest, newest first. */
function rank(s: SessionItem): number {
  return s.current ? 0 : s.needsAuthorization ? 1 : 2;
}

export function AccountSecurity() {
  const { t } = useI18n();
  const sessions = useUi((s) => s.snapshot?.sessions ?? noSessions);
  const user = useUi((s) => s.snapshot?.user);
  const connection = useUi((s) => s.snapshot?.connection);
  const { failure, run } = useCommand();
  const sorted = useMemo(() => [...sessions].sort((a, b) => rank(a) - rank(b) || b.timestamp - a.timestamp), [sessions]);
  const who = user?.dn || user?.sip;
  const headingId = useId();

  return (
    <div className="screen security">
      <h1 tabIndex={-1}>{t('security.heading')}</h1>
      {who && connection?.kind === 'logged-in' && <p className="lead">{t('security.loggedInAs', { user: who, host: hostOf(connection.url) })}</p>}
      <ErrorAlert failure={failure} />
      <section aria-labelledby={headingId} className="card">
        <h2 id={headingId}>{t('security.sessions')}</h2>
        {sorted.length === 0 ? (
          <p className="empty">{t('security.noSessions')}</p>
        ) : (
          <ul className="session-list">
            {sorted.map((session) => (
              <SessionRow key={session.id} session={session} run={run} />
            ))}
          </ul>
        )}
      </section>
      <button type="button" className="button button-danger" onClick={() => void run({ type: 'logout' })}>
        {t('security.logout')}
      </button>
    </div>
  );
}

function SessionRow({ session, run }: { session: SessionItem; run: ReturnType<typeof useCommand>['run'] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const remove = () => void run({ type: 'deleteSession', id: session.id });
  return (
    <li className={session.needsAuthorization ? 'session session-pending' : 'session'}>
      <div className="session-info">
        {/* The row's buttons are described by the device they act on. */}
        <p id={id} className="session-agent">
          {session.userAgent || t('security.unknownDevice')}
          {session.current && <span className="tag">{t('security.thisDevice')}</span>}
        </p>
        <p className="session-time">{formatTime(i18n, session.timestamp)}</p>
        {session.needsAuthorization && <p className="session-pending-text">{t('security.pending', { code: session.code ?? '' })}</p>}
      </div>
      <div className="button-row">
        {session.needsAuthorization ? (
          <>
            <button type="button" className="button button-primary" aria-describedby={id} onClick={() => void run({ type: 'authorizeSession', id: session.id })}>
              {t('security.authorize')}
            </button>
            <button type="button" className="button" aria-describedby={id} onClick={remove}>
              {t('security.delete')}
            </button>
          </>
        ) : (
          !session.current && (
            <button type="button" className="button" aria-describedby={id} onClick={remove}>
              {t('security.logoutOther')}
            </button>
          )
        )}
      </div>
    </li>
  );
}

function formatTime({ t }: I18n, timestamp: number): string {
  return timestamp ? t('security.time', { time: timestamp }) : t('security.unknownTime');
}
