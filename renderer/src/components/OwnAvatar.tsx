import { useState } from 'react';
import { useI18n } from '../i18n.js';
import { useUi } from '../store.js';

/** Up to two letters of the user's name: the first of the first and of the last word. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/[\s,]+/).filter(Boolean);
  const first = [...(words[0] ?? '')][0] ?? '';
  const last = words.length > 1 ? ([...words.at(-1)!][0] ?? '') : '';
  return (first + last).toLocaleUpperCase();
}

/**
 * The user's own picture, from the avatar provider (the core makes the URL, `ownAvatar`; a new
 * one after an app's `UpdateProfile` loads the picture again). No provider, or the picture
 * does not load: the initials of the name instead.
 */
export function OwnAvatar({ name }: { name: string }) {
  const url = useUi((s) => s.snapshot?.ownAvatar);
  const { t } = useI18n();
  // The URL that failed: a new URL (UpdateProfile, another provider) is tried again.
  const [failed, setFailed] = useState<string>();
  if (url !== undefined && url !== failed) {
    return <img className="own-avatar" src={url} alt={t('own.picture')} width={24} height={24} referrerPolicy="no-referrer" onError={() => setFailed(url)} />;
  }
  const initials = initialsOf(name);
  // The name is shown beside it: the letters are decoration.
  return initials ? (
    <span className="own-avatar own-avatar-initials" aria-hidden="true">
      {initials}
    </span>
  ) : null;
}
