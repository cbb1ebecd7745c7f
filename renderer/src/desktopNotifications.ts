/**
 * The browser's Notification API, for app notifications shown by the OS as well as in the
 * window — in the browser shell only (Electron's main process shows them itself), and only
 * those that pop up (`popup`: not while the user is in do-not-disturb). Permission is asked
 * only from a user gesture (Settings → "Enable desktop notifications"); browsers ignore or
 * penalise a request made on their own.
 */
export type DesktopPermission = NotificationPermission | 'unsupported';

export function desktopPermission(): DesktopPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Call from a click handler only. */
export async function requestDesktopPermission(): Promise<DesktopPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** Show one OS notification; undefined where the browser refuses (no permission, no support). */
export function showDesktopNotification(tag: string, title: string, body: string, onClick: () => void): Notification | undefined {
  if (desktopPermission() !== 'granted') return undefined;
  try {
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => {
      window.focus();
      notification.close();
      onClick();
    };
    return notification;
  } catch {
    // Some browsers allow notifications only from a service worker.
    return undefined;
  }
}
