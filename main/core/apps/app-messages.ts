/**
 * Messages from apps (`app-hosting.md` §1.5), validated at the boundary. An app posts JSON
 * strings; anything else was already dropped by the app-frame page. Unknown `mt`s are
 * ignored (lib1 has a legacy pass-through); known ones with wrong fields are dropped with a
 * reason for the log — an app can never crash the host.
 */
import { parseJsonObject } from '../protocol/json.js';
import { ValidationError, literal, object, optional, string, stringish, unknownValue, type Infer, type Schema } from '../protocol/validate.js';


export const appInbound = {
  Alive: object({ mt: literal('Alive') }),
  getLogin: object({ mt: literal('getLogin'), app: string, challenge: stringish }),
  Action: object({ mt: literal('Action'), type: string, value: optional(unknownValue), args: optional(unknownValue), title: optional(string) }),
  SetMenuState: object({ mt: literal('SetMenuState'), value: optional(string) }),
  SetColor: object({ mt: literal('SetColor') }),
  RequestPrepareReload: object({ mt: literal('RequestPrepareReload') }),
  PrepareReloadComplete: object({ mt: literal('PrepareReloadComplete') }),
  RegisterApi: object({ mt: literal('RegisterApi'), api: string }),
  ApiModel: object({ mt: literal('ApiModel'), api: string, model: optional(unknownValue) }),
  ConsumeApi: object({ mt: literal('ConsumeApi'), api: string }),
  ApiRequest: object({ mt: literal('ApiRequest'), api: string, provider: optional(string), src: optional(stringish), title: optional(string), msg: optional(unknownValue) }),
  ApiResult: object({ mt: literal('ApiResult'), api: string, consumer: string, src: optional(stringish), msg: optional(unknownValue) }),
  ApiConsumerClosed: object({ mt: literal('ApiConsumerClosed'), api: string, consumer: optional(string) }),
  OpenChannel: object({ mt: literal('OpenChannel'), src: stringish, dst: string, args: optional(unknownValue) }),
  ChannelConnected: object({ mt: literal('ChannelConnected'), channel: stringish }),
  ChannelClosed: object({ mt: literal('ChannelClosed'), channel: optional(stringish) }),
  ChannelMessage: object({ mt: literal('ChannelMessage'), channel: stringish, msg: optional(unknownValue) }),
} satisfies Record<string, Schema<{ mt: string }>>;

export type AppInboundMt = keyof typeof appInbound;
export type AppMessage = { [K in AppInboundMt]: Infer<(typeof appInbound)[K]> }[AppInboundMt];

export type ParsedAppMessage = { ok: true; msg: AppMessage } | { ok: false; ignored: true; mt: string } | { ok: false; ignored?: false; error: string };

export const MAX_APP_MESSAGE = 1024 * 1024;

export function parseAppMessage(text: string): ParsedAppMessage {
  if (text.length > MAX_APP_MESSAGE) return { ok: false, error: 'message larger than 1 MiB' };
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const raw = parsed.value;
  const mt = raw.mt;
  if (typeof mt !== 'string') return { ok: false, error: 'no "mt" string' };
  if (!Object.hasOwn(appInbound, mt)) return { ok: false, ignored: true, mt: mt.slice(0, 64) };
  try {
    return { ok: true, msg: appInbound[mt as AppInboundMt].parse(raw, mt) as AppMessage };
  } catch (e) {
    if (e instanceof ValidationError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Serialise a message for an app: always a JSON string (lib1 ignores anything else). */
export function toApp(message: { mt: string } & Record<string, unknown>): string {
  return JSON.stringify(message);
}

