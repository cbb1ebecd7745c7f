import { useId } from 'react';
import type { Notice } from '../../../main/core/bridge/views.js';
import { useI18n } from '../i18n.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';
import { ErrorAlert } from './ErrorAlert.js';
import { CloseIcon } from './Icons.js';

const none: Notice[] = [];

/**
 * Messages from the core about this machine (keychain, configuration problems), until
 * dismissed. A notice may carry a button ("Call"): pressing it sends `noticeAction`, and the
 * core does what it offers (and drops the notice).
 */
export function Notices() {
  const { t } = useI18n();
  const notices = useUi((s) => s.snapshot?.notices ?? none);
  const { failure, run } = useCommand();
  const dismiss = (id: string) => void run({ type: 'dismissNotice', id });
  const act = (id: string) => void run({ type: 'noticeAction', id });
  // Always present (even empty) so that notices arriving later are announced; a landmark only when it has any.
  return (
    <section className="notices" aria-label={notices.length ? t('notices.label') : undefined} aria-live="polite">
      {notices.map((notice) => (
        <NoticeBanner key={notice.id} notice={notice} onDismiss={dismiss} onAction={act} />
      ))}
      {notices.length > 0 && <ErrorAlert failure={failure} />}
    </section>
  );
}

function NoticeBanner({ notice, onDismiss, onAction }: { notice: Notice; onDismiss: (id: string) => void; onAction: (id: string) => void }) {
  const { t } = useI18n();
  const textId = useId();
  return (
    <div className={`notice notice-${notice.severity}`}>
      <p id={textId}>{notice.text}</p>
      {notice.actionLabel && (
        <button type="button" className="button notice-action" aria-describedby={textId} onClick={() => onAction(notice.id)}>
          {notice.actionLabel}
        </button>
      )}
      <button type="button" className="icon-button" aria-label={t('notices.dismiss')} aria-describedby={textId} onClick={() => onDismiss(notice.id)}>
        <CloseIcon />
      </button>
    </div>
  );
}
