/**
 * Valid PBX → client frames, one arbitrary per message of `pbxInbound`
 * (main/core/protocol/pbx-messages.ts), built from the schemas' shapes: required members
 * always, optional ones sometimes, extra members with hostile names (a PBX adds fields; the
 * client must keep them as data), and plausible-but-odd values inside.
 */
import fc from 'fast-check';
import type { PbxInboundMt } from '../../main/core/protocol/pbx-messages.js';
import { hostileKey, hostileString, jsonNumber, jsonValue, withMembers } from './arbitraries.js';

const str = hostileString;
const stringish = fc.oneof(hostileString, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const anyObject = fc.dictionary(hostileKey, jsonValue(2), { maxKeys: 4 });

const app = fc.record(
  {
    name: str,
    title: str,
    text: str,
    url: fc.oneof(str, fc.constantFrom('https://apps.example.com/a/app', 'http://127.0.0.1:9/apps/x/x', 'javascript:alert(1)', 'file:///etc/passwd')),
    website: fc.boolean(),
    icon: str,
    info: fc.record({ hidden: fc.boolean(), presence: fc.boolean(), apis: anyObject, wake: fc.array(str, { maxLength: 3 }), icon: str }, { requiredKeys: [] }),
  },
  { requiredKeys: ['name', 'url'] },
);
const deviceApp = fc.record({ name: str, title: str, deviceapp: str }, { requiredKeys: ['name'] });
const presence = fc.record({ contact: str, activity: str, status: str, note: str }, { requiredKeys: [] });
const sessionInfo = fc.record({ id: str, current: fc.boolean(), userAgent: str, timestamp: jsonNumber, code: stringish, needsAuthorization: fc.boolean() }, { requiredKeys: [] });

/** The members of each message besides `mt`. */
const bodies: { [K in PbxInboundMt]: fc.Arbitrary<Record<string, unknown>> } = {
  Authenticate: fc.record({ type: fc.oneof(fc.constantFrom('user', 'session'), str), method: fc.oneof(fc.constant('digest'), str), domain: str, challenge: stringish }),
  Authorize: fc.record({ code: stringish }),
  LoginResult: fc.record({ info: anyObject, digest: str, error: jsonNumber, errorText: str }, { requiredKeys: [] }),
  Redirect: fc.record({
    info: fc.record({ host: str, mod: str, session: fc.record({ usr: str, pwd: str }), http: jsonNumber, https: jsonNumber }, { requiredKeys: ['host'] }),
    digest: str,
  }),
  LogoutResult: fc.constant({}),
  StandbyBack: fc.constant({}),
  UpdateUser: fc.record({ user: anyObject }),
  SessionAdded: fc.record({ id: str, info: sessionInfo }),
  SessionUpdated: fc.record({ id: str, info: sessionInfo }),
  SessionDeleted: fc.record({ id: str }),
  UpdateAppsInfo: fc.record({ app }),
  UpdateAppsComplete: fc.record({ deviceApps: fc.array(deviceApp, { maxLength: 3 }), selected: str }, { requiredKeys: [] }),
  UpdateApps: fc.record({ apps: fc.array(app, { maxLength: 4 }), deviceApps: fc.array(deviceApp, { maxLength: 3 }), selected: str }, { requiredKeys: ['apps'] }),
  AppGetLoginResult: fc.record(
    { src: fc.oneof(str, fc.constantFrom('agl1', 'agl2', 'agl3')), app: str, domain: str, sip: str, guid: str, dn: str, pbxObj: str, info: anyObject, digest: str, key: str, salt: str, error: jsonNumber, errorText: str },
    { requiredKeys: ['src'] },
  ),
  UpdateOwnPresence: fc.record({ presence: fc.array(presence, { maxLength: 3 }) }),
  UpdatePresence: fc.record({ sip: str, num: str, up: fc.boolean(), ep: anyObject, presence: fc.array(presence, { maxLength: 3 }), src: str }, { requiredKeys: [] }),
  DialogInfo: fc.record({ sip: str, num: str, callId: stringish, confId: stringish, remote: anyObject, state: anyObject, deleted: fc.boolean(), src: str }, { requiredKeys: [] }),
  Wake: fc.record({ type: fc.oneof(fc.constantFrom('phone', 'app'), str), hw: str, incoming: fc.boolean() }, { requiredKeys: ['type'] }),
  CheckBuildResult: fc.record({ version: str, build: stringish }, { requiredKeys: [] }),
  UpdateRegister: fc.record({ signup: str, reset: str, profile: str, tutorial: str }, { requiredKeys: [] }),
  LoginInfoResult: fc.constant({}),
};

export const pbxMts = Object.keys(bodies) as PbxInboundMt[];

export interface ValidFrame {
  mt: PbxInboundMt;
  /** The frame as an object (extra members included). */
  object: Record<string, unknown>;
  text: string;
}

const extras = fc.array(fc.tuple(hostileKey, jsonValue(2)), { maxLength: 2 });

/** One valid frame of type `mt`, with 0–2 extra members under names the schema does not use. */
export function validFrameOf(mt: PbxInboundMt): fc.Arbitrary<ValidFrame> {
  return fc.tuple(bodies[mt], extras).map(([body, extra]) => {
    const members = extra.filter(([k]) => k !== 'mt' && !Object.hasOwn(body, k) && !knownMembers(mt).includes(k));
    const text = withMembers(JSON.stringify({ mt, ...body }), members);
    return { mt, object: JSON.parse(text) as Record<string, unknown>, text };
  });
}

/** A valid frame of any type. */
export const validFrame: fc.Arbitrary<ValidFrame> = fc.oneof(...pbxMts.map(validFrameOf));

/** Members a message's schema reads (an extra member must not collide with one it left out). */
function knownMembers(mt: PbxInboundMt): string[] {
  const members: Partial<Record<PbxInboundMt, string[]>> = {
    Authenticate: ['type', 'method', 'domain', 'challenge'],
    Authorize: ['code'],
    LoginResult: ['info', 'digest', 'error', 'errorText'],
    Redirect: ['info', 'digest'],
    UpdateUser: ['user'],
    SessionAdded: ['id', 'info'],
    SessionUpdated: ['id', 'info'],
    SessionDeleted: ['id'],
    UpdateAppsInfo: ['app'],
    UpdateAppsComplete: ['deviceApps', 'selected'],
    UpdateApps: ['apps', 'deviceApps', 'selected'],
    AppGetLoginResult: ['src', 'app', 'domain', 'sip', 'guid', 'dn', 'pbxObj', 'info', 'digest', 'key', 'salt', 'error', 'errorText'],
    UpdateOwnPresence: ['presence'],
    UpdatePresence: ['sip', 'num', 'up', 'ep', 'presence', 'src'],
    DialogInfo: ['sip', 'num', 'callId', 'confId', 'remote', 'state', 'deleted', 'src'],
    Wake: ['type', 'hw', 'incoming'],
    CheckBuildResult: ['version', 'build'],
    UpdateRegister: ['signup', 'reset', 'profile', 'tutorial'],
  };
  return members[mt] ?? [];
}
