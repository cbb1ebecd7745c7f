import { memo, useCallback, useEffect, useId, useRef } from 'react';
import type { AppNotification, RunningApp } from '../../../main/core/bridge/views.js';
import { showDesktopNotification } from '../desktopNotifications.js';
import { useI18n } from '../i18n.js';
import { useAvoidedOverlay } from '../overlays.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';
import { ErrorAlert } from './ErrorAlert.js';
import { CloseIcon } from './Icons.js';

const none: AppNotification[] = [];
const noApps: RunningApp[] = [];

/**
 * Notifications of apps, as toasts in the window (the region "Notifications") and, where the
 * user allowed it, as OS notifications too. Opening one (its title button, or a click on the
 * OS notification) and dismissing it go to the core, which removes it from the list.
 * While there are any, app views keep clear of the stack (Electron: a native view above the page).
 */
export function AppNotifications() {
  const { t } = useI18n();
  const notifications = useUi((s) => s.snapshot?.notifications ?? none);
  const apps = useUi((s) => s.snapshot?.runningApps ?? noApps);
  const { failure, run } = useCommand();
  const open = useCallback((id: string) => void run({ type: 'notificationClicked', id, action: '' }), [run]);
  const dismiss = useCallback((id: string) => void run({ type: 'dismissNotification', id }), [run]);
  useDesktopNotifications(notifications, open);
  const stackRef = useRef<HTMLElement>(null);
  useAvoidedOverlay(stackRef, notifications.length > 0);
  // Always present (even empty) so that notifications arriving later are announced; a landmark only when it has any.
  return (
    <section ref={stackRef} className="toasts" aria-label={notifications.length ? t('notifications.label') : undefined} aria-live="polite">
      {notifications.map((n) => (
        <Toast key={n.id} notification={n} appTitle={apps.find((a) => a.viewId === n.viewId)?.title ?? n.app} onOpen={open} onDismiss={dismiss} />
      ))}
      {notifications.length > 0 && <ErrorAlert failure={failure} />}
    </section>
  );
}

const Toast = memo(function Toast({ notification, appTitle, onOpen, onDismiss }: { notification: AppNotification; appTitle: string; onOpen: (id: string) => void; onDismiss: (id: string) => void }) {
  const { t } = useI18n();
  const id = useId();
  const label = notification.title || t('notifications.open');
  return (
    <div className="toast">
      <div className="toast-body">
        <p className="toast-app">{appTitle}</p>
        <button type="button" className="toast-open" aria-describedby={notification.text ? `${id}-text` : undefined} onClick={() => onOpen(notification.id)}>
          {label}
        </button>
        {notification.text && (
          <p id={`${id}-text`} className="toast-text">
            {notification.text}
          </p>
        )}
      </div>
      <button type="button" className="icon-button" aria-label={t('notifications.dismiss')} title={t('notifications.dismiss')} onClick={() => onDismiss(notification.id)}>
        <CloseIcon />
      </button>
    </div>
  );
});

/** One OS notification per app notification while it lasts; closed when the core drops it. */
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
      if (map.has(n.id)) continue;
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
