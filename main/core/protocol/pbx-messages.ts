/**
 * The myApps client ⇄ PBX messages (`docs/protocol/pbx-session.md`), one definition per
 * message, named as the protocol names it.
 *
 * Inbound messages (PBX → client) are schemas: `parsePbxFrame` validates every frame at the
 * boundary. Outbound messages (client → PBX) are plain interfaces: we build them ourselves.
 * Objects keep members we do not model, because the PBX adds fields over releases.
 */
import { canonicalMember, parseJsonObject } from './json.js';
import {
  ValidationError,
  array,
  boolean,
  literal,
  number,
  object,
  optional,
  record,
  string,
  stringish,
  unknownValue,
  type Infer,
  type Schema,
} from './validate.js';

const anyObject = record(unknownValue);

// ---------------------------------------------------------------- shared parts

export const SessionCredentialsHex = object({ usr: string, pwd: string });

/** `LoginResult.info.user` (real PBXes) or the flat `info` of the 13r1 docs. */
export const UserInfo = object({
  domain: optional(string),
  sip: optional(string),
  guid: optional(string),
  dn: optional(string),
  num: optional(string),
  email: optional(string),
  prefix: optional(anyObject),
});
export type UserInfo = Infer<typeof UserInfo>;

export const SessionInfo = object({
  id: optional(string),
  current: optional(boolean),
  userAgent: optional(string),
  timestamp: optional(number),
  code: optional(stringish),
  needsAuthorization: optional(boolean),
});
export type SessionInfo = Infer<typeof SessionInfo>;

export const AppInfo = object({
  hidden: optional(boolean),
  presence: optional(boolean),
  apis: optional(anyObject),
  wake: optional(array(string)),
  icon: optional(string),
});

/** One App Object as the PBX lists it (`UpdateAppsInfo.app`, `UpdateApps.apps[]`). */
export const App = object({
  name: string,
  title: optional(string),
  text: optional(string),
  url: string,
  website: optional(boolean),
  icon: optional(string),
  info: optional(AppInfo),
});
export type App = Infer<typeof App>;

export const DeviceApp = object({ name: string, title: optional(string), deviceapp: optional(string) });
export type DeviceApp = Infer<typeof DeviceApp>;

export const Presence = object({
  contact: optional(string),
  activity: optional(string),
  status: optional(string),
  note: optional(string),
});
export type Presence = Infer<typeof Presence>;

// ---------------------------------------------------------------- PBX → client

export const Authenticate = object({
  mt: literal('Authenticate'),
  type: string,
  method: string,
  domain: string,
  challenge: stringish,
  /** `method:"oauth2"` only: the identity provider's sign-in page the user opens in a browser (§3.8). */
  url: optional(string),
});

/** 2FA pending: show `code` and wait. Old builds send the code as a number. */
export const Authorize = object({ mt: literal('Authorize'), code: stringish });

export const LoginResult = object({
  mt: literal('LoginResult'),
  info: optional(anyObject),
  digest: optional(string),
  error: optional(number),
  errorText: optional(string),
});

export const Redirect = object({
  mt: literal('Redirect'),
  info: object({
    host: string,
    mod: optional(string),
    session: optional(SessionCredentialsHex),
    http: optional(number),
    https: optional(number),
  }),
  digest: string,
});

export const LogoutResult = object({ mt: literal('LogoutResult') });
export const StandbyBack = object({ mt: literal('StandbyBack') });
export const UpdateUser = object({ mt: literal('UpdateUser'), user: anyObject });

export const SessionAdded = object({ mt: literal('SessionAdded'), id: string, info: SessionInfo });
export const SessionUpdated = object({ mt: literal('SessionUpdated'), id: string, info: SessionInfo });
export const SessionDeleted = object({ mt: literal('SessionDeleted'), id: string });

export const UpdateAppsInfo = object({ mt: literal('UpdateAppsInfo'), app: App });
export const UpdateAppsComplete = object({
  mt: literal('UpdateAppsComplete'),
  deviceApps: optional(array(DeviceApp)),
  selected: optional(string),
});
/** 13r1 form of the app list: everything in one message. */
export const UpdateApps = object({
  mt: literal('UpdateApps'),
  apps: array(App),
  deviceApps: optional(array(DeviceApp)),
  selected: optional(string),
});

export const AppGetLoginResult = object({
  mt: literal('AppGetLoginResult'),
  src: string,
  app: optional(string),
  domain: optional(string),
  sip: optional(string),
  guid: optional(string),
  dn: optional(string),
  pbxObj: optional(string),
  info: optional(anyObject),
  digest: optional(string),
  key: optional(string),
  salt: optional(string),
  error: optional(number),
  errorText: optional(string),
});

export const UpdateOwnPresence = object({ mt: literal('UpdateOwnPresence'), presence: array(Presence) });
export const UpdatePresence = object({
  mt: literal('UpdatePresence'),
  sip: optional(string),
  num: optional(string),
  up: optional(boolean),
  ep: optional(anyObject),
  presence: optional(array(Presence)),
  src: optional(string),
});
export const DialogInfo = object({
  mt: literal('DialogInfo'),
  sip: optional(string),
  num: optional(string),
  callId: optional(stringish),
  confId: optional(stringish),
  remote: optional(anyObject),
  state: optional(anyObject),
  deleted: optional(boolean),
  src: optional(string),
});
export const Wake = object({ mt: literal('Wake'), type: string, hw: optional(string), incoming: optional(boolean) });

export const CheckBuildResult = object({ mt: literal('CheckBuildResult'), version: optional(string), build: optional(stringish), launcherUpdateBuild: optional(stringish), appStoreUrl: optional(string) });
/** The login page's links and the profile and tutorial apps (`profile` becomes `profileApp` in the `@client` model). */
export const UpdateRegister = object({ mt: literal('UpdateRegister'), signup: optional(string), reset: optional(string), profile: optional(string), tutorial: optional(string) });
/** Which login methods the PBX offers (13r3+, §3.1). Every flag is optional: older PBXes leave some out. */
export const LoginInfoResult = object({
  mt: literal('LoginInfoResult'),
  user: optional(object({ digest: optional(boolean), ntlm: optional(boolean), oauth2: optional(boolean), oauth2Name: optional(string) })),
  session: optional(object({ digest: optional(boolean) })),
});

/** Every message the client understands from the PBX, keyed by `mt`. */
export const pbxInbound = {
  Authenticate,
  Authorize,
  LoginResult,
  Redirect,
  LogoutResult,
  StandbyBack,
  UpdateUser,
  SessionAdded,
  SessionUpdated,
  SessionDeleted,
  UpdateAppsInfo,
  UpdateAppsComplete,
  UpdateApps,
  AppGetLoginResult,
  UpdateOwnPresence,
  UpdatePresence,
  DialogInfo,
  Wake,
  CheckBuildResult,
  UpdateRegister,
  LoginInfoResult,
} satisfies Record<string, Schema<{ mt: string }>>;

export type PbxInboundMt = keyof typeof pbxInbound;
export type PbxInbound = { [K in PbxInboundMt]: Infer<(typeof pbxInbound)[K]> }[PbxInboundMt];
export type PbxMessage<K extends PbxInboundMt> = Infer<(typeof pbxInbound)[K]>;

export type ParsedFrame =
  | { ok: true; msg: PbxInbound; /** canonical JSON of `info` in the PBX's order, when present */ infoJson?: string }
  | { ok: false; ignored: true; mt: string }
  | { ok: false; ignored?: false; error: string };

const infoCarriers = new Set<string>(['LoginResult', 'Redirect', 'AppGetLoginResult']);

/**
 * Validate one text frame from the PBX. Never throws: a bad frame yields `{ok:false, error}`
 * with a reason fit for a log line; a well-formed frame of a type we do not handle yields
 * `{ok:false, ignored:true}` (the protocol grows; unknown `mt` is not an error).
 */
export function parsePbxFrame(text: string): ParsedFrame {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const raw = parsed.value;
  const mt = raw.mt;
  if (typeof mt !== 'string') return { ok: false, error: 'no "mt" string' };
  if (!Object.hasOwn(pbxInbound, mt)) return { ok: false, ignored: true, mt: mt.slice(0, 64) };
  try {
    const msg = pbxInbound[mt as PbxInboundMt].parse(raw, mt) as PbxInbound;
    const infoJson = infoCarriers.has(mt) ? canonicalMember(text, 'info') : undefined;
    return infoJson === undefined ? { ok: true, msg } : { ok: true, msg, infoJson };
  } catch (e) {
    // Nothing a PBX sends may throw out of here: a schema error is the expected case, anything
    // else (a bug, a limit) is still a reason to drop this one frame and go on.
    return { ok: false, error: e instanceof ValidationError ? e.message : `unreadable frame (${String(e).slice(0, 200)})` };
  }
}

// ---------------------------------------------------------------- client → PBX

export type LoginType = 'user' | 'session';

/**
 * `Login` round 1 (asks for a challenge) and round 2 (answers it); or the single OAuth2 `Login`
 * (§3.8), which carries the client's ECDH key share (128 hex: the P-256 point without its 04).
 */
export type Login =
  | { mt: 'Login'; type: LoginType; userAgent: string }
  | { mt: 'Login'; type: LoginType; method: 'digest'; username: string; nonce: string; response: string; userAgent: string }
  | { mt: 'Login'; type: 'user'; method: 'oauth2'; nonce: string; keyShare: string; userAgent: string };
/** Asks which login methods the PBX offers (`LoginInfoResult`). */
export interface LoginInfo { mt: 'LoginInfo' }
export interface Logout { mt: 'Logout' }
export interface AuthorizeSession { mt: 'AuthorizeSession'; id: string }
export interface DeleteSession { mt: 'DeleteSession'; id: string }
export interface SubscribeApps { mt: 'SubscribeApps' }
export interface SetApps { mt: 'SetApps'; home: string }
export interface AppGetLogin { mt: 'AppGetLogin'; src: string; app: string; challenge: string }
export interface SetOwnPresence { mt: 'SetOwnPresence'; activity: string; note?: string }
export interface SetUserActivity { mt: 'SetUserActivity'; inactive: boolean }
/** Asks the PBX which version it runs and which client build it offers (`CheckBuildResult`); a native client sends no `url`. */
export interface CheckBuild { mt: 'CheckBuild' }
/** Asks for `UpdateRegister` (the profile app's name, among others). */
export interface SubscribeRegister { mt: 'SubscribeRegister' }
/**
 * The wake types this session may be woken for (`Wake{type}`): the PBX sends a `Wake` only
 * for those. `token` is a mobile push token; a desktop session has none and sends none.
 */
export interface SetSessionInfo { mt: 'SetSessionInfo'; wake: string[] }
export type PresenceTarget = { sip: string } | { num: string };
export type SubscribePresence = { mt: 'SubscribePresence'; src?: string } & PresenceTarget;
export type UnsubscribePresence = { mt: 'UnsubscribePresence' } & PresenceTarget;
export type SubscribeDialog = { mt: 'SubscribeDialog'; src?: string } & PresenceTarget;
export type UnsubscribeDialog = { mt: 'UnsubscribeDialog' } & PresenceTarget;

export type PbxOutbound =
  | Login
  | LoginInfo
  | Logout
  | AuthorizeSession
  | DeleteSession
  | SubscribeApps
  | SetApps
  | AppGetLogin
  | SetOwnPresence
  | SetUserActivity
  | CheckBuild
  | SubscribeRegister
  | SetSessionInfo
  | SubscribePresence
  | UnsubscribePresence
  | SubscribeDialog
  | UnsubscribeDialog;
