/**
 * What the core asks of the shell that hosts it — only the few things a runtime-neutral core
 * cannot do itself. The core decides; the shell carries out. A shell that leaves a member out
 * simply has no such capability (the browser shell has none of the optional ones).
 */
import type { ApiChannelChange } from '../bridge/api-direct.js';
import type { AppViewBounds, ShellView, UpdatesView } from '../bridge/views.js';

/** The desktop build's updater, driven by the core's commands and policy. */
export interface ShellUpdater {
  /** Apply the effective policy: off (`enabled: false`, with why) or on a channel. */
  configure(settings: { enabled: boolean; channel: 'stable' | 'beta'; feedUrl?: string }): void;
  check(): void;
  /** Quit and install a downloaded update. */
  install(): void;
  /** The updater's state changes; the core publishes them. Returns the unsubscribe. */
  onState(listener: (state: Omit<UpdatesView, 'channel' | 'pbxAnnounces'>) => void): () => void;
}

export interface ShellPort {
  /** How this shell puts apps on screen (published to the UI as `snapshot.shell`). */
  readonly view: ShellView;
  /**
   * Where app permissions are enforced. `frame`: only the app iframe's `allow` attribute (the
   * browser shell), so the core delegates a permission to an app's frame only once granted.
   * `session`: the shell's per-app session asks the core on every request (Electron), so the
   * frame is always given the permissions and the session decides — asking the user once.
   */
  readonly permissionGate: 'frame' | 'session';
  /** Electron: show the app in front at `bounds` and hide the others; undefined bounds: hide all. */
  placeAppView?(bounds: AppViewBounds | undefined): void;
  /** Electron: open this app view's DevTools, detached. False: the view has none (yet). */
  openAppDevTools?(viewId: string): boolean;
  /** Logout: wipe the storage of every app partition (cookies, local storage, caches). */
  clearAppData?(): Promise<void>;
  /** Electron: the auto-updater (the browser shell has none). */
  updater?: ShellUpdater;
  /**
   * Electron: the system's proxy for a URL, in PAC form ("DIRECT", "PROXY host:port; DIRECT").
   * Without it the core follows HTTPS_PROXY / NO_PROXY.
   */
  resolveProxy?(url: string): Promise<string>;
  /**
   * Electron: join two app views' pages with a port pair for a direct Client API channel, or
   * part them (api-direct.ts). Without it the core asks the UI (`apiChannel` event), which frames the pages.
   */
  apiChannel?(change: ApiChannelChange): void;
  /**
   * Electron: the memory of each app view, in bytes, by view id (its processes' working set,
   * from `app.getAppMetrics()`). Without it the UI says memory is not measured in this shell.
   */
  appMemory?(): Promise<Map<string, number>>;
  /**
   * Electron: bring the main window to the front — shown, restored, focused (a `Wake` for an
   * incoming call). Without it the core asks the UI (`raiseWindow` event), whose page focuses itself.
   */
  showWindow?(): void;
  /**
   * Electron: windows of their own for apps (apps/pop-out.ts), into which the shell moves an app's
   * view when the core says it is popped out, and back; closing one tells the core
   * (`popOutWindowClosed`). A shell with native views and without it cannot pop apps out; the
   * browser shell needs none (its UI opens the window).
   */
  popOutWindows?: { focus(viewId: string): void };
  /**
   * Electron: open the single sign-on page (an http(s) URL the core checked) in the system
   * browser. Without it the UI opens it in a new tab (`ShellView.signInPage` absent).
   */
  openSignInPage?(url: string): void;
}

/** The browser shell: the UI frames the app-frame pages; the browser's own DevTools serve. */
export const browserShellPort: ShellPort = Object.freeze({
  view: Object.freeze({ appViews: 'frames', appDevTools: 'instructions' }),
  permissionGate: 'frame',
});
