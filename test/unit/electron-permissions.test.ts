/**
 * Security control 5: the permission policy applied to requests and checks of every session.
 * Deny by default; the shell may notify and write to the clipboard; apps get only granted,
 * grantable permissions from their own origin (and there are no grants yet).
 */
import { describe, expect, it } from 'vitest';
import { type Permission, type SessionPolicy, grantableToApps, permissionDecision, shellPermissions } from '../../main/electron/permissions.js';

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

const shell: SessionPolicy = { kind: 'shell' };
const appUrl = 'https://pbx.example.com/PBX0/APPS/phone/phone';
const appFrame = 'https://pbx.example.com/PBX0/APPS/phone/phone.htm?lang=en';

describe('permissionDecision: the shell', () => {
  it('knows every Electron permission name', () => expect(listed).toBe(true));

  it('our page may show notifications and write to the clipboard', () => {
    expect(permissionDecision('notifications', { session: shell, requestingUrl: 'app://myapps/index.html' })).toBe('allow');
    expect(permissionDecision('clipboard-sanitized-write', { session: shell, requestingUrl: 'app://myapps/' })).toBe('allow');
  });

  it('everything else is denied to our page', () => {
    for (const p of allPermissions.filter((p) => !shellPermissions.has(p))) {
      expect(permissionDecision(p, { session: shell, requestingUrl: 'app://myapps/index.html' }), p).toBe('deny');
    }
  });

  it('a frame of another origin in the shell session gets nothing, not even notifications', () => {
    for (const url of [appFrame, 'app://myapps.evil.test/', 'https://evil.test/', 'file:///x', undefined, '']) {
      for (const p of allPermissions) expect(permissionDecision(p, { session: shell, requestingUrl: url }), `${p} ${url}`).toBe('deny');
    }
  });

  it('unknown permission names are denied', () => {
    expect(permissionDecision('camera-and-everything', { session: shell, requestingUrl: 'app://myapps/' })).toBe('deny');
    expect(permissionDecision('', { session: shell, requestingUrl: 'app://myapps/' })).toBe('deny');
  });
});

describe('permissionDecision: app views', () => {
  it('an app without a grant is denied media, notifications, clipboard, geolocation — everything', () => {
    for (const session of [{ kind: 'app' }, { kind: 'app', appUrl }, { kind: 'app', appUrl, grants: [] }] satisfies SessionPolicy[]) {
      for (const p of allPermissions) expect(permissionDecision(p, { session, requestingUrl: appFrame }), p).toBe('deny');
    }
  });

  it('a grant allows that permission only, only to the app origin', () => {
    const session: SessionPolicy = { kind: 'app', appUrl, grants: ['media'] };
    expect(permissionDecision('media', { session, requestingUrl: appFrame })).toBe('allow');
    expect(permissionDecision('notifications', { session, requestingUrl: appFrame })).toBe('deny');
    for (const url of ['https://pbx.example.com.evil.test/x', 'http://pbx.example.com/x', 'https://evil.test/', 'app://myapps/appframe.html', undefined]) {
      expect(permissionDecision('media', { session, requestingUrl: url }), url).toBe('deny');
    }
  });

  it('a grant without a known App URL allows nothing', () => {
    expect(permissionDecision('media', { session: { kind: 'app', grants: ['media'] }, requestingUrl: appFrame })).toBe('deny');
  });

  it('never-grantable permissions stay denied whatever a grant says', () => {
    const neverGrantable = allPermissions.filter((p) => !grantableToApps.has(p));
    expect(neverGrantable).toEqual(expect.arrayContaining(['openExternal', 'hid', 'serial', 'usb', 'midiSysex', 'fileSystem', 'unknown']));
    const session: SessionPolicy = { kind: 'app', appUrl, grants: [...allPermissions] };
    for (const p of neverGrantable) expect(permissionDecision(p, { session, requestingUrl: appFrame }), p).toBe('deny');
    for (const p of grantableToApps) expect(permissionDecision(p, { session, requestingUrl: appFrame }), p).toBe('allow');
  });
});
