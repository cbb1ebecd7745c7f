/**
 * Security controls 5 and 16: the permission routing applied to requests and checks of every
 * session. Deny by default; the shell may notify and write to the clipboard; an app's
 * microphone, camera and screen go to the core (which asks the user once per App Object, or
 * follows IT); the app's own origin may write to the clipboard and go full screen; nothing else.
 */
import { describe, expect, it } from 'vitest';
import { type Permission, appOwnOriginPermissions, appPermissionRoute, shellPermissionDecision, shellPermissions } from '../../main/electron/permissions.js';

/** Every permission name Electron 45 uses; a new name in a later Electron stays denied by default. */
const allPermissions = [
  'ar', 'automatic-fullscreen', 'background-fetch', 'background-sync', 'captured-surface-control', 'clipboard-read', 'clipboard-sanitized-write',
  'deprecated-sync-clipboard-read', 'display-capture', 'fileSystem', 'fullscreen', 'geolocation', 'geolocation-approximate', 'hand-tracking', 'hid',
  'idle-detection', 'keyboardLock', 'local-fonts', 'local-network', 'local-network-access', 'loopback-network', 'media', 'mediaKeySystem', 'midi',
  'midiSysex', 'nfc', 'notifications', 'openExternal', 'payment-handler', 'periodic-background-sync', 'persistent-storage', 'pointerLock',
  'screen-wake-lock', 'sensors', 'serial', 'smart-card', 'speaker-selection', 'storage-access', 'system-wake-lock', 'top-level-storage-access',
  'usb', 'vr', 'web-app-installation', 'web-printing', 'window-management', 'unknown',
] as const satisfies readonly Permission[];
// The list is complete for the Electron types installed: a new permission name fails the type-check here.
const listed: [Exclude<Permission, (typeof allPermissions)[number]>] extends [never] ? true : false = true;

const appFrame = 'https://pbx.example.com/PBX0/APPS/phone/phone.htm?lang=en';

describe('shellPermissionDecision', () => {
  it('knows every Electron permission name', () => expect(listed).toBe(true));

  it('our page may show notifications and write to the clipboard', () => {
    expect(shellPermissionDecision('notifications', 'app://myapps/index.html')).toBe('allow');
    expect(shellPermissionDecision('clipboard-sanitized-write', 'app://myapps/')).toBe('allow');
  });

  it('everything else is denied to our page', () => {
    for (const p of allPermissions.filter((p) => !shellPermissions.has(p))) expect(shellPermissionDecision(p, 'app://myapps/index.html'), p).toBe('deny');
  });

  it('a frame of another origin in the shell session gets nothing, not even notifications', () => {
    for (const url of [appFrame, 'app://myapps.evil.test/', 'https://evil.test/', 'file:///x', undefined, '']) {
      for (const p of allPermissions) expect(shellPermissionDecision(p, url), `${p} ${url}`).toBe('deny');
    }
  });

  it('unknown permission names are denied', () => {
    expect(shellPermissionDecision('camera-and-everything', 'app://myapps/')).toBe('deny');
    expect(shellPermissionDecision('', 'app://myapps/')).toBe('deny');
  });
});

describe('appPermissionRoute: app views', () => {
  it('microphone, camera and screen go to the core, named as the core names them', () => {
    expect(appPermissionRoute('media', ['audio'])).toEqual({ kind: 'core', permissions: ['microphone'] });
    expect(appPermissionRoute('media', ['video'])).toEqual({ kind: 'core', permissions: ['camera'] });
    expect(appPermissionRoute('media', ['audio', 'video'])).toEqual({ kind: 'core', permissions: ['microphone', 'camera'] });
    expect(appPermissionRoute('display-capture', undefined)).toEqual({ kind: 'core', permissions: ['screen'] });
  });

  it('a media request that names no device is refused', () => {
    for (const types of [undefined, [], ['unknown']]) expect(appPermissionRoute('media', types)).toEqual({ kind: 'deny' });
  });

  it('the app origin may write to the clipboard and go full screen without asking', () => {
    expect([...appOwnOriginPermissions].sort()).toEqual(['clipboard-sanitized-write', 'fullscreen']);
    for (const p of appOwnOriginPermissions) expect(appPermissionRoute(p, undefined)).toEqual({ kind: 'own-origin' });
  });

  it('everything else is denied: notifications, clipboard reading, geolocation, devices, openExternal, unknown', () => {
    const routed = new Set<string>(['media', 'display-capture', ...appOwnOriginPermissions]);
    const denied = allPermissions.filter((p) => !routed.has(p));
    expect(denied).toEqual(expect.arrayContaining(['notifications', 'clipboard-read', 'geolocation', 'openExternal', 'hid', 'serial', 'usb', 'midiSysex', 'fileSystem', 'unknown']));
    for (const p of denied) expect(appPermissionRoute(p, ['audio', 'video']), p).toEqual({ kind: 'deny' });
    expect(appPermissionRoute('camera-and-everything', ['video'])).toEqual({ kind: 'deny' });
  });
});
