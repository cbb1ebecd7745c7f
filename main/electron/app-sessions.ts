/**
 * Each app's own session (`persist:app-<App Object>`, web-preferences.ts): set up once, the
 * first time a view of that app is created. Electron wiring only; every decision is the core's
 * or a pure function of this folder:
 *
 * - `app://` is served there too: the view's top frame is our app-frame page (protocol.ts).
 * - Permissions: installAppPermissionHandlers (controls 5 and 16) — the core decides an app's
 *   microphone, camera and screen; `getDisplayMedia` gets the screen only once the core said yes.
 * - Certificate errors of app content go through the same fingerprint decision as the PBX
 *   (`certificateTrusted`, control 10): a PBX with a self-signed certificate the user trusted
 *   serves its own apps too. A certificate the OS trusts is left to Chromium's own verdict.
 *
 * Only `import type` from electron: the session and desktopCapturer come from the caller.
 */
import { X509Certificate } from 'node:crypto';
import type { DesktopCapturer, Session, WebContents } from 'electron';
import type { Logger } from '../core/common/log.js';
import { type AppPermissionJudge, type PermissionLogger, installAppPermissionHandlers } from './permissions.js';
import { serveRenderer } from './protocol.js';

/** Chromium's verify-proc answers: accept, reject, or use its own verification. */
export const CERT_ACCEPT = 0;
export const CERT_REJECT = -2;
export const CERT_USE_CHROMIUM = -3;

/** SHA-256 fingerprint (`AB:CD:…`) of a PEM certificate, or undefined when it does not parse. */
export function pemFingerprint256(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return undefined;
  }
}

/** The verify-proc decision: Chromium's own when it trusts the certificate, else only a trusted fingerprint. */
export function certificateVerdict(verificationResult: string, pem: string, trusted: (fingerprint256: string) => boolean): number {
  if (verificationResult === 'OK' || verificationResult === 'net::OK') return CERT_USE_CHROMIUM;
  const fingerprint = pemFingerprint256(pem);
  return fingerprint !== undefined && trusted(fingerprint) ? CERT_ACCEPT : CERT_REJECT;
}

export interface AppSessionCore extends AppPermissionJudge {
  certificateTrusted(fingerprint256: string): boolean;
}

export interface AppSessionOptions {
  appUrl: string;
  rendererRoot: string;
  /** Which view a web contents of this session is. */
  viewOf(contents: WebContents | null): string | undefined;
  /** The app's running view (one per app), for `getDisplayMedia`, whose request names no web contents. */
  runningView(): string | undefined;
  core: AppSessionCore;
  desktopCapturer: Pick<DesktopCapturer, 'getSources'>;
  log: Logger;
  logPermission: PermissionLogger;
}

export function setupAppSession(session: Session, options: AppSessionOptions): void {
  const { core, log } = options;
  serveRenderer(session.protocol, options.rendererRoot, log);
  installAppPermissionHandlers(session, { viewOf: options.viewOf, appUrl: options.appUrl, judge: core }, options.logPermission);
  session.setCertificateVerifyProc((request, callback) => {
    const verdict = certificateVerdict(request.verificationResult, request.certificate.data, (fp) => core.certificateTrusted(fp));
    if (verdict === CERT_REJECT) log('warn', 'an app server certificate was refused', { host: request.hostname.slice(0, 200), result: request.verificationResult });
    callback(verdict);
  });
  session.setDisplayMediaRequestHandler((request, callback) => {
    const viewId = options.runningView();
    const refuse = () => callback(null);
    if (viewId === undefined) return refuse();
    core.appPermissionRequest(viewId, ['screen'], request.securityOrigin).then(
      async (granted) => {
        if (!granted) return refuse();
        const [screen] = await options.desktopCapturer.getSources({ types: ['screen'] });
        if (screen) callback({ video: screen });
        else refuse();
      },
      refuse,
    );
  }, { useSystemPicker: true });
}
