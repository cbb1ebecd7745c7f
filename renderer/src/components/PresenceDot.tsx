import { useI18n } from '../i18n.js';
import { presenceLabel, type PresenceKind } from '../presence.js';

/**
 * A presence dot. Named (role="img") where it is the only carrier of the presence, e.g. on a
 * home tile; decorative where a text label stands next to it.
 */
export function PresenceDot({ kind, id, decorative = false }: { kind: PresenceKind; id?: string; decorative?: boolean }) {
  const { t } = useI18n();
  const className = `presence-dot presence-${kind}`;
  if (decorative) return <span className={className} aria-hidden="true" />;
  return <span id={id} className={className} role="img" aria-label={t(presenceLabel[kind])} />;
}
