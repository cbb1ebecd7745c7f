/**
 * Apps in windows of their own ("pop out", and "dock" back into the main window): a call or a
 * chat beside the main window. The core decides, once for both shells, which app is where
 * (`RunningApp.poppedOut`); the app stays the same instance throughout — its view id, its login,
 * its grants and its API consumers and providers do not change.
 *
 * How it moves depends on what the shell can do (`PopOutMode`):
 * - `move` (Electron): the app's own view is moved from one window to the other, so the page,
 *   and everything the app holds in it, stays as it is. Nothing is asked of the app.
 * - `reload` (browser shell): an iframe cannot move to another window without loading again, so
 *   the app is asked to save its state first, the way the protocol has for a reload
 *   (app-hosting.md §5.4: `PrepareReload`, the app records what it wants back with `Action
 *   SetArgs` and answers `PrepareReloadComplete`), then its page in the other window loads it with
 *   those arguments. An app that does not answer within the time limit moves anyway (as an idle
 *   app is unloaded anyway, idle-unload.ts). An app that is not running normally, or a plain
 *   website, has nothing to save and moves at once.
 *
 * Closing an app's own window docks the app, never closes it (the shell says so:
 * `windowClosed`). In the browser shell its page went with the window, so it loads again in the
 * main window with what it last saved.
 */
import type { Logger } from '../common/log.js';
import type { AppInstance } from './app-instance.js';
import { toApp } from './app-messages.js';

/** `move`: the shell moves the app's own view between windows; `reload`: the app loads again in a page of the other window. */
export type PopOutMode = 'move' | 'reload';

export interface PopOutDeps {
  /** What this shell can do; undefined: it has no windows for apps (an app cannot pop out). */
  mode(): PopOutMode | undefined;
  /** `move` shells: bring an app's own window to the front. */
  focus?(viewId: string): void;
  /** The app's page is replaced by one in the window it is to be shown in now (`reload` shells). */
  movePage(instance: AppInstance): void;
  /** Load the app again where it is: it prepared for a reload whose move was taken back meanwhile. */
  reloadInPlace(instance: AppInstance): void;
  /** An unloaded app (idle-unload.ts) is wanted again: its view is created anew. */
  loadAgain(instance: AppInstance): void;
  changed(): void;
  log: Logger;
  /** How long an app may take to answer `PrepareReload` before it moves anyway. */
  prepareReloadTimeoutMs: number;
}

export type PopOutResult = { ok: true } | { ok: false; error: string };

export class PopOuts {
  constructor(private readonly deps: PopOutDeps) {}

  /** `popOutApp` (out) or `dockApp`: move the app, or bring its window to the front when it is out already. */
  request(instance: AppInstance, out: boolean): PopOutResult {
    if (instance.hidden) return { ok: false, error: `“${instance.entry.title}” runs in the background and has no window.` };
    const mode = this.deps.mode();
    if (mode === undefined) return { ok: false, error: 'Apps cannot have windows of their own in this version of myApps.' };
    if (instance.moving) {
      // Still saving: it goes wherever was asked last.
      instance.moving.out = out;
      this.deps.changed();
      return { ok: true };
    }
    if (instance.poppedOut === out) {
      if (out) this.deps.focus?.(instance.viewId);
      return { ok: true };
    }
    if (mode === 'move' || instance.state === 'unloaded') {
      instance.poppedOut = out;
      // An unloaded app has no page to move: it loads again where it is to be shown.
      if (instance.state === 'unloaded') this.deps.loadAgain(instance);
      this.deps.changed();
      return { ok: true };
    }
    if (instance.state !== 'alive' || instance.entry.website || !instance.attached) {
      this.move(instance, out);
      return { ok: true };
    }
    const timer = setTimeout(() => {
      this.deps.log('info', 'app did not answer PrepareReload in time; moved anyway', { app: instance.name });
      this.prepared(instance);
    }, this.deps.prepareReloadTimeoutMs);
    timer.unref?.();
    instance.moving = { out, timer };
    instance.post(toApp({ mt: 'PrepareReload' }));
    this.deps.changed();
    return { ok: true };
  }

  /** The app answered `PrepareReloadComplete` (or its time is up): true when it was saving for a move, which happens now. */
  prepared(instance: AppInstance): boolean {
    const moving = instance.moving;
    if (!moving) return false;
    clearTimeout(moving.timer);
    instance.moving = undefined;
    if (moving.out !== instance.poppedOut) this.move(instance, moving.out);
    else this.deps.reloadInPlace(instance);
    return true;
  }

  /** The shell says the app's own window is gone (closed by the user, or its page ended): the app docks. */
  windowClosed(instance: AppInstance): void {
    if (instance.moving) {
      // Going out: it stays; coming in: its page went with the window, nothing is left to wait for.
      instance.moving.out = false;
      if (instance.poppedOut) this.prepared(instance);
      else this.deps.changed();
      return;
    }
    if (!instance.poppedOut) return;
    if (this.deps.mode() === 'reload' && instance.state !== 'unloaded') this.move(instance, false);
    else {
      instance.poppedOut = false;
      this.deps.changed();
    }
  }

  /** The app closes: no move is waited for any more. */
  closed(instance: AppInstance): void {
    clearTimeout(instance.moving?.timer);
    instance.moving = undefined;
  }

  private move(instance: AppInstance, out: boolean): void {
    instance.poppedOut = out;
    this.deps.movePage(instance);
  }
}
