/**
 * App list snapshots (`SubscribeApps`) and app login hand-offs (`AppGetLogin`),
 * built from the live config. pbx-session.md §4.2/§4.3, app-hosting.md §2.2–2.5.
 */
import type { AppObjectConfig, EmulatorConfig, UserConfig } from './config.js';
import { grantsOf, identity, urlDirectory, urlLastSegment } from './directory.js';
import { appLoginDigest, appSessionKey } from './formulas.js';

const PHONE_API = 'com.innovaphone.phone';

/** One entry of UpdateAppsInfo/UpdateApps. `icon` only when configured (open question Q5). */
function appEntry(a: AppObjectConfig): object {
  return {
    name: a.name,
    title: a.title,
    text: a.description ?? '',
    url: a.url,
    website: a.website ?? false,
    info: { hidden: a.hidden ?? false, presence: a.presence ?? false, apis: a.apis ?? {}, wake: a.wake ?? [] },
    ...(a.icon !== undefined ? { icon: a.icon } : {}),
  };
}

export function homeSelection(home: string | string[] | undefined): string {
  return Array.isArray(home) ? home.join(',') : (home ?? '');
}

/**
 * The full app snapshot for a user, as the list of frames to send.
 * `selected` is the live `SetApps` value if any, else the configured home.
 */
export function appsSnapshot(cfg: EmulatorConfig, u: UserConfig, selected: string): object[] {
  const apps = grantsOf(cfg, u).map((g) => g.app);
  const deviceApps = apps
    .filter((a) => a.apis?.[PHONE_API] !== undefined)
    .map((a) => ({ name: a.name, title: a.title, deviceapp: a.name }));
  if (cfg.options?.legacyUpdateApps) {
    return [{ mt: 'UpdateApps', apps: apps.map(appEntry), deviceApps, selected }];
  }
  return [...apps.map((a) => ({ mt: 'UpdateAppsInfo', app: appEntry(a) })), { mt: 'UpdateAppsComplete', deviceApps, selected }];
}

/**
 * AppGetLoginResult errors. The protocol documents no codes for them (lib1 shows `errorText`):
 * the emulator uses 2, as for a failed authentication, and tells the cases apart by text.
 */
const NOT_AVAILABLE = { error: 2, errorText: 'App not available' };
const NO_PASSWORD = { error: 2, errorText: 'App Object has no password' };

/** The error form of AppGetLoginResult (also used before login). */
export function appLoginError(src: unknown, app: unknown, why: typeof NOT_AVAILABLE = NOT_AVAILABLE): object {
  return { mt: 'AppGetLoginResult', src, app, ...why };
}

/**
 * Answers `AppGetLogin{src, app, challenge}` for a logged-in user. `challenge` may arrive
 * as a number from old builds; it is hashed as its decimal string.
 */
export function appGetLoginResult(cfg: EmulatorConfig, u: UserConfig, msg: Record<string, unknown>): object {
  const { src, app: name } = msg;
  const challenge = typeof msg.challenge === 'number' ? String(msg.challenge) : msg.challenge;
  if (typeof name !== 'string' || typeof challenge !== 'string' || challenge === '') return appLoginError(src, name);
  const grants = grantsOf(cfg, u);
  const grant = grants.find((g) => g.app.name === name);
  if (!grant) return appLoginError(src, name);
  const obj = grant.app;
  // Without a shared secret there is nothing an App Service could verify the login with.
  if (!obj.password) return appLoginError(src, name, NO_PASSWORD);

  const id = identity(cfg, u);
  const dir = urlDirectory(obj.url);
  // Key order matters: the App Service hashes the info exactly as serialised here.
  const info = {
    appobj: [obj.name, ...grant.modes].join('~'),
    appdn: obj.title,
    appurl: obj.url,
    pbx: cfg.pbx,
    cn: id.cn,
    ...(obj.unlicensed ? { unlicensed: true } : {}),
    groups: u.groups ?? [],
    apps: grants.filter((g) => urlDirectory(g.app.url) === dir).map((g) => ({ name: g.app.name })),
  };
  const app = urlLastSegment(obj.url);
  const digest = appLoginDigest({
    app, domain: cfg.domain, sip: id.sip, guid: id.guid, dn: id.dn,
    infoJson: JSON.stringify(info), challenge, password: obj.password,
  });
  return {
    mt: 'AppGetLoginResult', src, domain: cfg.domain, sip: id.sip, guid: id.guid, dn: id.dn,
    pbxObj: obj.name, app, info, digest, key: appSessionKey(challenge, obj.password),
  };
}
