/**
 * Links the client follows (security control 14 validated them: config/deep-link.ts) —
 * from the OS (`tel:` handler, command line, a second instance, macOS open-url), from apps
 * (a `tel:` link inside an app) and from the UI — in one place for both shells:
 *
 * - `myapps://app/<name>?args` opens that app once the app list is known.
 * - `tel:`, `sip:`, `callto:` become `StartCall{num|sip}` (or `PrepareCall{txt}` when the user
 *   asks to confirm calls) at a `com.innovaphone.phone` provider, chosen by ProviderChoice
 *   (the default, the only one, or the user picks by title).
 * - Before login (and before the app list) links wait, in order, and are followed then.
 * - No phone app: the user is told, and the call is kept — offered again, as a notice with a
 *   button, when a phone app starts. Nothing is lost, nothing dialled behind the user's back.
 */
import type { Notice } from '../bridge/views.js';
import type { Logger } from '../common/log.js';
import { type DeepLink, parseDeepLink } from '../config/deep-link.js';
import type { ProviderCandidate } from '../apps/provider-choice.js';

export const PHONE_API = 'com.innovaphone.phone';
/** Links waiting for login, and calls waiting for a phone app; older ones go first beyond these. */
export const MAX_WAITING_LINKS = 16;
export const MAX_PENDING_CALLS = 8;

type Call = Extract<DeepLink, { kind: 'call' }>;

export interface LinkDeps {
  /** Logged in with the app list known: links can be followed now. */
  ready(): boolean;
  /** Open an app link (`name?args`); the error says why not. */
  openApp(link: string): { ok: true } | { ok: false; error: string };
  /** Apps that can make calls now (listed or registered). */
  phoneProviders(): ProviderCandidate[];
  choose(api: string, purpose: string, candidates: ProviderCandidate[]): Promise<string | undefined>;
  /** Send the request to the provider app (started hidden if needed). */
  request(api: string, provider: string, msg: Record<string, unknown>): void;
  confirmCalls(): boolean;
  notice(notice: Notice): void;
  removeNotice(id: string): void;
  log: Logger;
}

/** What a call shows the user: the number or the SIP address. */
function target(call: Call): string {
  return call.scheme === 'tel' ? call.number : call.uri;
}

export class Links {
  private readonly waiting: DeepLink[] = [];
  private readonly pendingCalls = new Map<string, Call>();
  private counter = 0;

  constructor(private readonly deps: LinkDeps) {}

  /** Follow a link now, or once logged in. Invalid links are refused with the parser's reason. */
  follow(raw: string): { ok: true } | { ok: false; error: string } {
    const parsed = parseDeepLink(raw);
    if (parsed.kind === 'error') return { ok: false, error: `This link cannot be followed: ${parsed.reason}.` };
    if (!this.deps.ready()) {
      if (this.waiting.length >= MAX_WAITING_LINKS) this.waiting.shift();
      this.waiting.push(parsed);
      this.deps.log('info', 'a link waits for the login', { kind: parsed.kind });
      return { ok: true };
    }
    this.act(parsed);
    return { ok: true };
  }

  /** Logged in and the app list known: what waited is followed, in order. */
  flush(): void {
    if (!this.deps.ready()) return;
    for (const link of this.waiting.splice(0)) this.act(link);
  }

  /** A phone app can make calls now: the calls that waited for one are offered again. */
  phoneProviderAppeared(): void {
    for (const [id, call] of this.pendingCalls) this.deps.notice({ id, severity: 'info', text: `A phone app is ready. Call ${target(call)} now?`, actionLabel: 'Call' });
  }

  /** The button of one of our notices; false: not ours. */
  noticeAction(id: string): boolean {
    const call = this.pendingCalls.get(id);
    if (!call) return false;
    this.pendingCalls.delete(id);
    this.deps.removeNotice(id);
    this.call(call);
    return true;
  }

  private act(link: DeepLink): void {
    if (link.kind === 'app') {
      const query = new URLSearchParams(Object.entries(link.args)).toString();
      const opened = this.deps.openApp(query === '' ? link.name : `${link.name}?${query}`);
      if (!opened.ok) this.deps.notice({ id: `link-${++this.counter}`, severity: 'warning', text: opened.error });
      return;
    }
    this.call(link);
  }

  private call(call: Call): void {
    const providers = this.deps.phoneProviders();
    if (providers.length === 0) {
      const id = `call-${++this.counter}`;
      if (this.pendingCalls.size >= MAX_PENDING_CALLS) {
        const [oldest] = this.pendingCalls.keys();
        this.pendingCalls.delete(oldest!);
        this.deps.removeNotice(oldest!);
      }
      this.pendingCalls.set(id, call);
      this.deps.notice({ id, severity: 'warning', text: `No phone app can make the call to ${target(call)}. The call is kept: when a phone app starts, you can make it from here.` });
      return;
    }
    void this.deps.choose(PHONE_API, `Call ${target(call)}`, providers).then((provider) => {
      if (provider === undefined) {
        this.deps.log('info', 'a call link was cancelled by the user');
        return;
      }
      const msg = this.deps.confirmCalls() ? { mt: 'PrepareCall', txt: target(call) } : call.scheme === 'tel' ? { mt: 'StartCall', num: call.number } : { mt: 'StartCall', sip: call.uri };
      this.deps.log('info', 'a call link goes to a phone app', { provider, mt: msg.mt });
      this.deps.request(PHONE_API, provider, msg);
    });
  }
}
