/**
 * Web permissions (security control 5): one explicit policy, applied to permission requests
 * AND permission checks of every session. Most web APIs check first and request only if the
 * check says no; Electron grants both by default, so a session without these handlers
 * would hand the camera to any page.
 *
 * The decision is the PURE function `permissionDecision` (unit-tested in Node); the
 * Electron wiring `installPermissionHandlers` only feeds it (type-checked, Electron needed
 * to run it).
 *
 * Policy:
 * - Deny by default: an unknown or new permission name is refused.
 * - The shell (our pages at `app://myapps/`) may show notifications and write (sanitised)
 *   text to the clipboard, nothing else. A frame of another origin inside the shell's
 *   session gets nothing.
 * - An app view gets only what is granted to that app, and only from the App URL's origin.
 *   No grants exist yet (a per-app grant setting or policy is future work), so apps are
 *   refused media, notifications, clipboard reading, geolocation and everything else.
 * - Some permissions are never grantable, whatever a future grant says: `openExternal`
 *   (external links go only through our allow-listed window-open handler), device access
 *   (`hid`, `serial`, `usb`), `midiSysex`, `fileSystem`, `unknown` and others not listed in
 *   `grantableToApps`.
 */
import type { Session } from 'electron';
import { isShellUrl, webOrigin } from './navigation.js';

type RequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;
type CheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>;
/** Every permission name Electron 45 may ask about. */
export type Permission = Parameters<RequestHandler>[1] | Parameters<CheckHandler>[1];

/** What the shell's own pages may use. */
export const shellPermissions: ReadonlySet<Permission> = new Set<Permission>(['notifications', 'clipboard-sanitized-write']);

/** What a per-app grant may ever contain. */
export const grantableToApps: ReadonlySet<Permission> = new Set<Permission>([
  'media',
  'notifications',
  'clipboard-read',
  'clipboard-sanitized-write',
  'geolocation',
  'fullscreen',
  'display-capture',
]);

/** Which session the request came from and what that session's content may use. */
export type SessionPolicy =
  | { kind: 'shell' }
  /** `appUrl`: the App URL (its origin is the only one granted); `grants`: the app's grants. */
  | { kind: 'app'; appUrl?: string; grants?: readonly string[] };

export interface PermissionContext {
  session: SessionPolicy;
  /** The URL of the frame that asks (request: `requestingUrl`; check: `requestingUrl` or the origin). */
  requestingUrl: string | undefined;
}

export type PermissionDecision = 'allow' | 'deny';

export function permissionDecision(permission: string, context: PermissionContext): PermissionDecision {
  const p = permission as Permission;
  if (context.session.kind === 'shell') return shellPermissions.has(p) && isShellUrl(context.requestingUrl) ? 'allow' : 'deny';
  const { appUrl, grants = [] } = context.session;
  if (!grantableToApps.has(p) || !grants.includes(p)) return 'deny';
  const appOrigin = webOrigin(appUrl);
  return appOrigin !== undefined && webOrigin(context.requestingUrl) === appOrigin ? 'allow' : 'deny';
}

export type PermissionLogger = (permission: string, requestingUrl: string | undefined, decision: PermissionDecision, via: 'request' | 'check') => void;

/**
 * Install the policy on a session: request handler, check handler, and device permissions
 * (hid/serial/usb) refused. Call it for the default (shell) session and for every other
 * session as it is created (main.ts does this through `app.on('session-created')`).
 */
export function installPermissionHandlers(session: Session, policy: SessionPolicy, log?: PermissionLogger): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const decision = permissionDecision(permission, { session: policy, requestingUrl: details.requestingUrl });
    log?.(permission, details.requestingUrl, decision, 'request');
    callback(decision === 'allow');
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) => {
    const requestingUrl = details.requestingUrl ?? requestingOrigin;
    const decision = permissionDecision(permission, { session: policy, requestingUrl });
    if (decision === 'deny') log?.(permission, requestingUrl, decision, 'check');
    return decision === 'allow';
  });
  session.setDevicePermissionHandler(() => false);
}
