import { useI18n } from '../i18n.js';
import { LockIcon } from './Icons.js';

/** "Set by your IT department": referenced by the locked control's aria-describedby. */
export function LockNote({ id, source }: { id: string; source?: string | undefined }) {
  const { t } = useI18n();
  return (
    <span id={id} className="lock-note" title={source}>
      <LockIcon />
      {t('lock.it')}
    </span>
  );
}
