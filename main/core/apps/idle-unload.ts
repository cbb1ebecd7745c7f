/**
 * Unloading idle app views (memory control): an app that has been in the background longer
 * than `unloadIdleAppsAfterMinutes` (the user's setting or IT's; 0 = never) has its view
 * destroyed — Electron closes its WebContentsView, the browser shell removes its app-frame
 * iframe — while its entry in the running apps stays, marked `unloaded`. Showing it again loads
 * it anew (AppHost.wake).
 *
 * What is never unloaded (`whyKeep`), decided here once for both shells:
 * - the app in front;
 * - a provider in use: an app that registered a Client API another running app consumes now
 *   (a hidden search provider, a phone app an app dials through) — its consumers would lose it;
 * - an app with a channel open to another app (`OpenChannel`, app-hosting.md §5.6): unloading
 *   one end would close it under the other;
 * - an app that asked to stay: one with a `ShowStatusInfo` page open (`com.innovaphone.client`,
 *   app-hosting.md §8: "a page shown while the requesting app is in the background"). This is
 *   how the protocol lets an app say it has something going on in the background — innovaphone's
 *   phone app shows the call there — so it is also how an **active call** is recognised. A
 *   `SetBadge` is not: its value is a count (missed calls, unread chats) that carries no call
 *   state, and it survives the unload (the entry keeps it; the app sets it again when it loads).
 * - an app in a window of its own (pop-out.ts): it is on screen, as the app in front is;
 * - an app that is not running normally (starting, failed): it has nothing to free or save.
 *
 * Before the view goes, the app may save its state the way the protocol has for a reload
 * (app-hosting.md §5.4, §6.2): the client posts `PrepareReload`; the app records what it wants to
 * come back to with `Action SetArgs` (its arguments: "the app's current state, for bookmarks,
 * history and titles") and answers `PrepareReloadComplete`. The client keeps those arguments in
 * memory and hands them back when the app loads again: in the app's URL, where lib1 reads them
 * as `start.args`. An app that does not answer within `prepareReloadTimeoutMs` is unloaded anyway.
 */
import type { Logger } from '../common/log.js';

/** How long an app may take to answer `PrepareReload` before it is unloaded without it. */
export const DEFAULT_PREPARE_RELOAD_TIMEOUT_MS = 3000;

/** How often the core looks for idle app views (a minute is plenty for a limit in minutes). */
export const DEFAULT_IDLE_CHECK_MS = 60_000;

export interface UnloadFacts {
  state: string;
  active: boolean;
  providesInUse: boolean;
  inChannel: boolean;
  showsStatusInfo: boolean;
  /** In a window of its own, or on its way there or back (pop-out.ts): it is on screen. */
  ownWindow: boolean;
}

/** Why an app view must stay loaded, in words for the UI and the log; undefined: it may be unloaded. */
export function whyKeep(f: UnloadFacts): string | undefined {
  if (f.state === 'unloaded') return 'it is unloaded already';
  if (f.state !== 'alive') return 'it is not running normally (starting or failed)';
  if (f.active) return 'it is the app in front';
  if (f.ownWindow) return 'it is in a window of its own';
  if (f.providesInUse) return 'it provides an API another app uses now';
  if (f.inChannel) return 'it has a channel open to another app';
  if (f.showsStatusInfo) return 'it shows a status in the background (a call, for instance)';
  return undefined;
}

export interface IdleUnloaderDeps {
  /** The effective `unloadIdleAppsAfterMinutes` (0: never). */
  minutes(): number;
  /** Unload every app view in the background at least this long (AppHost.unloadIdle). */
  unloadIdle(afterMs: number): void;
  log: Logger;
  /** How often to look (default a minute). */
  checkEveryMs?: number;
  /** The length of a minute: tests make it short instead of waiting half an hour. */
  minuteMs?: number;
}

/** The timer that looks for idle app views, on the core's clock (AppHost keeps when each left the front). */
export class IdleUnloader {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: IdleUnloaderDeps) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => this.check(), this.deps.checkEveryMs ?? DEFAULT_IDLE_CHECK_MS);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look: unload what has been idle longer than the setting. */
  check(): void {
    const minutes = this.deps.minutes();
    if (!(minutes > 0)) return;
    this.deps.unloadIdle(minutes * (this.deps.minuteMs ?? 60_000));
  }
}
