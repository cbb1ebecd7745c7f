import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Activity, OwnPresenceView } from '../../../main/core/bridge/views.js';
import { useI18n } from '../i18n.js';
import { useHidingOverlay } from '../overlays.js';
import { ownActivities, ownPresenceKind } from '../presence.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';
import { ErrorAlert } from './ErrorAlert.js';
import { OwnAvatar } from './OwnAvatar.js';
import { PresenceDot } from './PresenceDot.js';

/**
 * The user's own picture (or initials), name and presence, with a pop-up to change the presence. Choosing an activity applies
 * it at once; the note is applied with Enter or "Save note". Escape or a click outside closes.
 * While open it is an overlay that hides the app view (Electron: a native view above the page).
 */
export function PresenceMenu() {
  const user = useUi((s) => s.snapshot?.user);
  const own = useUi((s) => s.snapshot?.ownPresence);
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const id = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  useHidingOverlay(open && own !== undefined);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  if (!own) return null;
  const name = user?.dn || user?.sip || '';
  const current = ownActivities.find((a) => a.activity === own.activity) ?? ownActivities[0]!;

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(false);
      triggerRef.current?.focus();
    }
  };

  return (
    <div className="presence-menu" ref={rootRef} onKeyDown={onKeyDown}>
      <button ref={triggerRef} type="button" className="presence-trigger" aria-expanded={open} aria-controls={open ? `${id}-panel` : undefined} onClick={() => setOpen((o) => !o)}>
        <OwnAvatar name={name} />
        <PresenceDot kind={ownPresenceKind(own.activity)} decorative />
        {name && <span className="presence-name">{name}</span>}
        <span className="presence-state">{t(current.label)}</span>
      </button>
      {open && <PresencePanel id={`${id}-panel`} own={own} />}
    </div>
  );
}

function PresencePanel({ id, own }: { id: string; own: OwnPresenceView }) {
  const { t } = useI18n();
  const { failure, run } = useCommand();
  // Local copies, so the choice shows at once; the PBX confirms with a new own presence.
  const [activity, setActivity] = useState<Activity>(own.activity);
  const [note, setNote] = useState(own.note);
  useEffect(() => setActivity(own.activity), [own.activity]);
  const firstRef = useRef<HTMLInputElement>(null);
  useEffect(() => firstRef.current?.focus(), []);

  const choose = (next: Activity) => {
    setActivity(next);
    void run({ type: 'setPresence', activity: next, note });
  };
  const saveNote = (e: FormEvent) => {
    e.preventDefault();
    void run({ type: 'setPresence', activity, note });
  };

  return (
    <div id={id} className="popover" role="dialog" aria-label={t('own.dialog')}>
      <fieldset className="radio-group">
        <legend>{t('own.legend')}</legend>
        {ownActivities.map((a) => (
          <label key={a.activity} className="radio presence-choice">
            <input
              ref={a.activity === activity ? firstRef : undefined}
              type="radio"
              name={`${id}-activity`}
              checked={a.activity === activity}
              onChange={() => choose(a.activity)}
            />
            <PresenceDot kind={ownPresenceKind(a.activity)} decorative />
            {t(a.label)}
          </label>
        ))}
      </fieldset>
      <form className="field" onSubmit={saveNote}>
        <label htmlFor={`${id}-note`}>{t('own.note')}</label>
        <div className="input-row">
          <input id={`${id}-note`} value={note} maxLength={512} onChange={(e) => setNote(e.target.value)} />
          <button type="submit" className="button">
            {t('own.saveNote')}
          </button>
        </div>
      </form>
      <ErrorAlert failure={failure} />
    </div>
  );
}
