/**
 * Web permissions (security controls 5 and 16): one explicit policy, applied to permission
 * requests AND permission checks of every session. Most web APIs check first and request only
 * if the check says no; Electron grants both by default, so a session without these handlers
 * would hand the camera to any page.
 *
 * The routing is PURE (`shellPermissionDecision`, `appPermissionRoute`; unit-tested in Node);
 * the decisions about an app's microphone, camera and screen are the core's
 * (main/core/apps/app-permissions.ts: IT policy, the user's remembered answer, or a prompt in
 * our UI naming the app). The install functions only feed them.
 *
 * Policy:
 * - Deny by default: an unknown or new permission name is refused.
 * - The shell (our pages at `app://myapps/`) may show notifications and write (sanitised) text
 *   to the clipboard, nothing else. A frame of another origin inside the shell's session gets
 *   nothing.
 * - An app view (its own `persist:app-<name>` session): `media` (microphone, camera) and
 *   `display-capture` (screen) go to the core, for the app's own origin only; writing to the
 *   clipboard and full screen are the app's own origin's without asking; everything else is
 *   refused — notifications too (apps notify through the client's launcher API), and never
 *   anything like `openExternal`, device access (`hid`, `serial`, `usb`), `midiSysex`,
 *   `fileSystem` or `unknown`.
 * - Any other session (created by anyone but us): deny all.
 */
import type { Session, WebContents } from 'electron';
import { webOrigin } from '../core/apps/app-origin.js';
import type { AppPermission } from '../core/bridge/views.js';
import { isShellUrl } from './navigation.js';

type RequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;
type CheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>;
/** Every permission name Electron 45 may ask about. */
export type Permission = Parameters<RequestHandler>[1] | Parameters<CheckHandler>[1];

/** What the shell's own pages may use. */
export const shellPermissions: ReadonlySet<Permission> = new Set<Permission>(['notifications', 'clipboard-sanitized-write']);

/** What an app's own origin may use without asking anyone (nothing here reaches the user's devices or data). */
export const appOwnOriginPermissions: ReadonlySet<Permission> = new Set<Permission>(['clipboard-sanitized-write', 'fullscreen']);

export type PermissionDecision = 'allow' | 'deny';

export function shellPermissionDecision(permission: string, requestingUrl: string | undefined): PermissionDecision {
  return shellPermissions.has(permission as Permission) && isShellUrl(requestingUrl) ? 'allow' : 'deny';
}

/** Where an app view's permission request goes. */
export type AppPermissionRoute = { kind: 'deny' } | { kind: 'own-origin' } | { kind: 'core'; permissions: AppPermission[] };

/**
 * Route an app view's permission. `mediaTypes`: what a `media` request or check names
 * (`audio` → microphone, `video` → camera); a media request that names neither is refused.
 */
export function appPermissionRoute(permission: string, mediaTypes: readonly string[] | undefined): AppPermissionRoute {
  if (permission === 'media') {
    const wanted: AppPermission[] = [];
    if (mediaTypes?.includes('audio')) wanted.push('microphone');
    if (mediaTypes?.includes('video')) wanted.push('camera');
    return wanted.length > 0 ? { kind: 'core', permissions: wanted } : { kind: 'deny' };
  }
  if (permission === 'display-capture') return { kind: 'core', permissions: ['screen'] };
  if (appOwnOriginPermissions.has(permission as Permission)) return { kind: 'own-origin' };
  return { kind: 'deny' };
}

export type PermissionLogger = (permission: string, requestingUrl: string | undefined, decision: PermissionDecision, via: 'request' | 'check') => void;

/** The core's side of an app view's permissions (ClientCore implements it). */
export interface AppPermissionJudge {
  appPermissionGranted(viewId: string, permission: AppPermission, requestingUrl: string | undefined): boolean;
  appPermissionRequest(viewId: string, permissions: AppPermission[], requestingUrl: string | undefined): Promise<boolean>;
}

export interface AppSessionPolicy {
  /** Which view a web contents of this session is (undefined: none of ours — denied). */
  viewOf(contents: WebContents | null): string | undefined;
  /** The App URL of the app this session belongs to (its origin is the app's). */
  appUrl: string;
  judge: AppPermissionJudge;
}

/** The shell's own session (the main window). */
export function installShellPermissionHandlers(session: Session, log?: PermissionLogger): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const decision = shellPermissionDecision(permission, details.requestingUrl);
    log?.(permission, details.requestingUrl, decision, 'request');
    callback(decision === 'allow');
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) => {
    const requestingUrl = details.requestingUrl ?? requestingOrigin;
    const decision = shellPermissionDecision(permission, requestingUrl);
    if (decision === 'deny') log?.(permission, requestingUrl, decision, 'check');
    return decision === 'allow';
  });
  session.setDevicePermissionHandler(() => false);
}

/** A session nobody asked us to grant anything in: deny everything. */
export function installDenyAllPermissionHandlers(session: Session, log?: PermissionLogger): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    log?.(permission, details.requestingUrl, 'deny', 'request');
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** An app's own session: its microphone, camera and screen go through the core. */
export function installAppPermissionHandlers(session: Session, policy: AppSessionPolicy, log?: PermissionLogger): void {
  const ownOrigin = (url: string | undefined) => {
    const app = webOrigin(policy.appUrl);
    return app !== undefined && webOrigin(url) === app;
  };
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const viewId = policy.viewOf(webContents);
    const route = appPermissionRoute(permission, 'mediaTypes' in details ? details.mediaTypes : undefined);
    const done = (allowed: boolean) => {
      log?.(permission, details.requestingUrl, allowed ? 'allow' : 'deny', 'request');
      callback(allowed);
    };
    if (viewId === undefined || route.kind === 'deny') return done(false);
    if (route.kind === 'own-origin') return done(ownOrigin(details.requestingUrl));
    policy.judge.appPermissionRequest(viewId, route.permissions, details.requestingUrl).then(done, () => done(false));
  });
  session.setPermissionCheckHandler((webContents, permission, requestingOrigin, details) => {
    const viewId = policy.viewOf(webContents);
    const requestingUrl = details.requestingUrl ?? requestingOrigin;
    const route = appPermissionRoute(permission, details.mediaType === undefined ? undefined : [details.mediaType]);
    if (viewId === undefined || route.kind === 'deny') return false;
    if (route.kind === 'own-origin') return ownOrigin(requestingUrl);
    return route.permissions.every((p) => policy.judge.appPermissionGranted(viewId, p, requestingUrl));
  });
  session.setDevicePermissionHandler(() => false);
}
