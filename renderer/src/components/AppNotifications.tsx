import { memo, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { AppNotification, RunningApp } from '../../../main/core/bridge/views.js';
import { showDesktopNotification } from '../desktopNotifications.js';
import { useI18n } from '../i18n.js';
import { useAvoidedOverlay } from '../overlays.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';
import { AppIcon } from './AppIcon.js';
import { ErrorAlert } from './ErrorAlert.js';
import { CloseIcon } from './Icons.js';

const none: AppNotification[] = [];
const noApps: RunningApp[] = [];

type Action = 'accept' | 'reject' | 'reply';

/**
 * Notifications of apps, as toasts in the window (the region "Notifications") and, in the
 * browser shell where the user allowed it, as OS notifications too (Electron's main process
 * shows its own; the UI never doubles them). Opening one (its title button, or a click on
 * the OS notification), its buttons (a call: accept / reject; a chat message: reply) and
 * dismissing it go to the core, which tells the app and removes it from the list.
 * While there are any, app views keep clear of the stack (Electron: a native view above the page).
 */
export function AppNotifications() {
  const { t } = useI18n();
  const notifications = useUi((s) => s.snapshot?.notifications ?? none);
  const apps = useUi((s) => s.snapshot?.runningApps ?? noApps);
  const osNotifications = useUi((s) => s.snapshot?.shell.appViews === 'frames');
  const { failure, run } = useCommand();
  const open = useCallback((id: string) => void run({ type: 'notificationClicked', id, action: '' }), [run]);
  const act = useCallback((id: string, action: Action, replyText?: string) => void run({ type: 'notificationClicked', id, action, ...(replyText !== undefined && { replyText }) }), [run]);
  const dismiss = useCallback((id: string) => void run({ type: 'dismissNotification', id }), [run]);
  useDesktopNotifications(osNotifications ? notifications : none, open);
  const stackRef = useRef<HTMLElement>(null);
  useAvoidedOverlay(stackRef, notifications.length > 0);
  // Always present (even empty) so that notifications arriving later are announced; a landmark only when it has any.
  return (
    <section ref={stackRef} className="toasts" aria-label={notifications.length ? t('notifications.label') : undefined} aria-live="polite">
      {notifications.map((n) => (
        <Toast key={n.id} notification={n} appTitle={apps.find((a) => a.viewId === n.viewId)?.title ?? n.app} onOpen={open} onAction={act} onDismiss={dismiss} />
      ))}
      {notifications.length > 0 && <ErrorAlert failure={failure} />}
    </section>
  );
}

interface ToastProps {
  notification: AppNotification;
  appTitle: string;
  onOpen: (id: string) => void;
  onAction: (id: string, action: Action, replyText?: string) => void;
  onDismiss: (id: string) => void;
}

const Toast = memo(function Toast({ notification, appTitle, onOpen, onAction, onDismiss }: ToastProps) {
  const { t } = useI18n();
  const id = useId();
  const n = notification;
  const label = n.title || t('notifications.open');
  return (
    <div className={`toast toast-${n.type}`}>
      {n.iconUrl && <AppIcon key={n.iconUrl} className="toast-icon" title={appTitle} name={n.app} iconUrl={n.iconUrl} website={false} />}
      <div className="toast-body">
        <p className="toast-app">{appTitle}</p>
        <button type="button" id={`${id}-title`} className="toast-open" aria-describedby={n.text ? `${id}-text` : undefined} onClick={() => onOpen(n.id)}>
          {label}
        </button>
        {n.text && (
          <p id={`${id}-text`} className="toast-text">
            {n.text}
          </p>
        )}
        {n.type === 'PhoneCall' && (
          <div className="button-row toast-actions">
            <button type="button" className="button button-primary" aria-describedby={`${id}-title`} onClick={() => onAction(n.id, 'accept')}>
              {n.acceptTitle || t('notifications.accept')}
            </button>
            <button type="button" className="button" aria-describedby={`${id}-title`} onClick={() => onAction(n.id, 'reject')}>
              {n.rejectTitle || t('notifications.reject')}
            </button>
          </div>
        )}
        {n.type === 'ChatMessage' && <ReplyForm label={t('notifications.replyLabel', { title: label })} button={n.replyTitle || t('notifications.reply')} onReply={(text) => onAction(n.id, 'reply', text)} />}
      </div>
      <button type="button" className="icon-button" aria-label={t('notifications.dismiss')} title={t('notifications.dismiss')} aria-describedby={`${id}-title`} onClick={() => onDismiss(n.id)}>
        <CloseIcon />
      </button>
    </div>
  );
});

/** A chat message's answer, typed in the toast. */
function ReplyForm({ label, button, onReply }: { label: string; button: string; onReply: (text: string) => void }) {
  const [text, setText] = useState('');
  const empty = text.trim() === '';
  return (
    <form
      className="input-row toast-reply"
      onSubmit={(e) => {
        e.preventDefault();
        if (!empty) onReply(text);
      }}
    >
      <input type="text" aria-label={label} value={text} maxLength={4096} autoComplete="off" onChange={(e) => setText(e.target.value)} />
      <button type="submit" className="button" disabled={empty}>
        {button}
      </button>
    </form>
  );
}

/** One OS notification per app notification that pops up (`popup`), while it lasts; closed when the core drops it. */
function useDesktopNotifications(notifications: AppNotification[], onClick: (id: string) => void): void {
  const shown = useRef(new Map<string, Notification>());
  const click = useRef(onClick);
  useEffect(() => {
    click.current = onClick;
  }, [onClick]);
  useEffect(() => {
    const map = shown.current;
    const current = new Set(notifications.map((n) => n.id));
    for (const [id, os] of map) {
      if (current.has(id)) continue;
      os.close();
      map.delete(id);
    }
    for (const n of notifications) {
      if (map.has(n.id) || !n.popup) continue;
      const os = showDesktopNotification(n.id, n.title || n.app, n.text, () => click.current(n.id));
      if (os) map.set(n.id, os);
    }
  }, [notifications]);
  useEffect(() => {
    const map = shown.current;
    return () => {
      for (const os of map.values()) os.close();
      map.clear();
    };
  }, []);
}
