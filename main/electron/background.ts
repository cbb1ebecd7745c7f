/**
 * Running in the background: closing the main window hides it and the client keeps running
 * (calls, chats and presence go on); it comes back from the tray, the dock, a notification or
 * a second start. Only a real quit ends the client: Quit in the tray, File → Quit / Cmd+Q
 * (the `quit` role), an update being installed, the OS logging out.
 *
 * - Windows and Linux: the first time the window is hidden this way, one OS notification says
 *   so ("myApps keeps running in the background — open it from the tray"), and the core
 *   remembers that it did (`saveShellState({ trayHintShown: true })`), so it is said once.
 * - macOS keeps its dock conventions: closing hides the window (no hint: that is what Mac apps
 *   do), a dock click brings it back (`activate`), Cmd+Q quits.
 * - `window-all-closed` no longer quits anywhere (main.ts keeps a listener: without one,
 *   Electron would quit).
 * - A full-screen window leaves full screen before it hides (macOS would leave a black space).
 *
 * `closeDecision` is PURE (unit-tested); `keepInBackground` wires it to the window. Only
 * `import type` from electron.
 */
import type { BrowserWindow, Event, Notification as NotificationClass } from 'electron';
import type { Logger } from '../core/common/log.js';
import { PRODUCT_NAME } from './tray.js';

export const BACKGROUND_HINT = { title: PRODUCT_NAME, body: 'myApps keeps running in the background — open it from the tray.' } as const;

export type CloseDecision = { action: 'close' } | { action: 'hide'; hint: boolean };

/** What closing the main window does. */
export function closeDecision(o: { platform: NodeJS.Platform; quitting: boolean; trayHintShown: boolean }): CloseDecision {
  if (o.quitting) return { action: 'close' };
  return { action: 'hide', hint: o.platform !== 'darwin' && !o.trayHintShown };
}

export interface BackgroundOptions {
  platform: NodeJS.Platform;
  /** A real quit is under way (`before-quit` came, or an update is being installed). */
  quitting: () => boolean;
  trayHintShown: () => boolean;
  /** The hint was shown: remember it (the core saves it). */
  hintShown: () => void;
  Notification: Pick<typeof NotificationClass, 'isSupported'> & (new (options: { title: string; body: string; silent?: boolean }) => NotificationClass);
  log: Logger;
}

/** Keep the client running when the main window is closed. Returns the undo. */
export function keepInBackground(win: BrowserWindow, options: BackgroundOptions): () => void {
  const onClose = (event: Event) => {
    const decision = closeDecision({ platform: options.platform, quitting: options.quitting(), trayHintShown: options.trayHintShown() });
    if (decision.action === 'close') return;
    event.preventDefault();
    if (win.isFullScreen()) {
      win.once('leave-full-screen', () => win.hide());
      win.setFullScreen(false);
    } else win.hide();
    if (decision.hint) showHint(options);
  };
  win.on('close', onClose);
  return () => win.removeListener('close', onClose);
}

function showHint(options: BackgroundOptions): void {
  if (!options.Notification.isSupported()) {
    options.log('info', 'the window was hidden; notifications are not supported here, so the tray hint waits for another time');
    return;
  }
  const hint = new options.Notification({ title: BACKGROUND_HINT.title, body: BACKGROUND_HINT.body, silent: true });
  hint.show();
  options.hintShown();
  options.log('info', 'the window was hidden; the client keeps running in the tray (said once)');
}
