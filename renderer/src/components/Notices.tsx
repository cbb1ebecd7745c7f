import { useId } from 'react';
import type { Notice } from '../../../main/core/bridge/views.js';
import { useI18n } from '../i18n.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';
import { CloseIcon } from './Icons.js';

const none: Notice[] = [];

/** Messages from the core about this machine (keychain, configuration problems), until dismissed. */
export function Notices() {
  const { t } = useI18n();
  const notices = useUi((s) => s.snapshot?.notices ?? none);
  const { run } = useCommand();
  const dismiss = (id: string) => void run({ type: 'dismissNotice', id });
  // Always present (even empty) so that notices arriving later are announced; a landmark only when it has any.
  return (
    <section className="notices" aria-label={notices.length ? t('notices.label') : undefined} aria-live="polite">
      {notices.map((notice) => (
        <NoticeBanner key={notice.id} notice={notice} onDismiss={dismiss} />
      ))}
    </section>
  );
}

function NoticeBanner({ notice, onDismiss }: { notice: Notice; onDismiss: (id: string) => void }) {
  const { t } = useI18n();
  const textId = useId();
  return (
    <div className={`notice notice-${notice.severity}`}>
      <p id={textId}>{notice.text}</p>
      <button type="button" className="icon-button" aria-label={t('notices.dismiss')} aria-describedby={textId} onClick={() => onDismiss(notice.id)}>
        <CloseIcon />
      </button>
    </div>
  );
}
