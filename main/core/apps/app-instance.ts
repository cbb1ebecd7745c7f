/**
 * AppInstance: one running app, identified by the App Object it was started for — never by
 * anything the app says (architecture rule 3). Its app-frame page is bound to its `viewId`.
 *
 * It owns what is per app: the lifecycle, the queue of strings for the page while none is
 * attached, and the `getLogin` queue, which the PBX answers in any order but the app must
 * get back in the order it asked (FIFO, `app-hosting.md` §2.2).
 */
import { randomBytes } from 'node:crypto';
import type { ToAppFrame } from '../bridge/app-frame.js';
import type { AppPermission, PopOutBounds, RunningApp } from '../bridge/views.js';
import { RateLimiter } from '../common/rate-limit.js';
import type { InspectorApp } from '../inspector/entries.js';
import type { InspectorTapRef } from '../inspector/inspector.js';
import type { CatalogEntry } from './catalog.js';

/** Strings kept for an app that has not said Alive yet; older ones go first (the newest state wins). */
export const MAX_PENDING_POSTS = 1000;

/** `unloaded`: its view was destroyed to free memory (idle-unload.ts); it keeps its place and loads again when shown. */
export type InstanceState = 'starting' | 'alive' | 'failed' | 'unloaded' | 'closed';

export class AppInstance {
  readonly viewId = randomBytes(16).toString('hex');
  state: InstanceState = 'starting';
  error: string | undefined;
  badge: string | undefined;
  /** Arguments from the app link it was opened with (`?a=1`), then from `Action SetArgs`. */
  args: string;
  /** Page title from `Action SetArgs`, for history and bookmarks. */
  pageTitle: string | undefined;
  /** Its menu (`SetMenuState`): undefined until the page announces one. */
  menuState: 'open' | 'closed' | undefined;
  /** Started for an API request or consume: runs without a tab. */
  hidden: boolean;
  /** Language and scheme the page was loaded with; SetLang/SetScheme go out when they change. */
  loadedWith: { lang: string; scheme: string } | undefined;
  /** Bumped when the app-frame page must be created anew (see RunningApp.frameEpoch). */
  frameEpoch = 0;
  /** Running while no app-frame page is attached: the view fails when it fires (AppHost). */
  attachTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * What one app may ask for how often (security control 17). A real app asks for a login per
   * connection to its service and sets a badge per change; these leave it plenty of room.
   */
  readonly limits = {
    getLogin: new RateLimiter(5, 20),
    badge: new RateLimiter(20, 40),
    notification: new RateLimiter(2, 10),
  };
  /** Since when (the host's clock) the app is not the one in front; undefined while it is. */
  backgroundSince: number | undefined;
  /** Unloading: `PrepareReload` went out, waiting for `PrepareReloadComplete` (or the time limit). */
  unloading: ReturnType<typeof setTimeout> | undefined;
  /** In a window of its own (pop-out.ts); the main window shows a placeholder. */
  poppedOut = false;
  /**
   * Browser shell: `PrepareReload` went out before the app moves to its own window (`out: true`) or
   * back (`out: false`); it moves when it answers or the time is up (pop-out.ts).
   */
  moving: { out: boolean; timer: ReturnType<typeof setTimeout> } | undefined;
  /** A badge held back by the badge limit: the latest value, applied when the limit allows. */
  heldBadge: { value: string | undefined; timer: ReturnType<typeof setTimeout> } | undefined;
  private send: ((frame: ToAppFrame) => void) | undefined;
  private readonly pending: string[] = [];
  private readonly logins: Promise<string>[] = [];

  constructor(
    readonly entry: CatalogEntry,
    args: string,
    hidden: boolean,
    /** The inspector's tap, shared with the host (undefined inside while it is closed). */
    private readonly inspector: InspectorTapRef = { current: undefined },
  ) {
    this.args = args;
    this.hidden = hidden;
  }

  get name(): string {
    return this.entry.name;
  }

  view(granted: AppPermission[], popOutBounds?: PopOutBounds): RunningApp {
    return {
      viewId: this.viewId,
      name: this.entry.name,
      title: this.entry.title,
      website: this.entry.website,
      hidden: this.hidden,
      state: this.state === 'closed' ? 'failed' : this.state,
      frameEpoch: this.frameEpoch,
      granted,
      poppedOut: this.poppedOut,
      ...(this.moving && { moving: this.moving.out ? 'out' : 'in' }),
      ...(popOutBounds && { popOutBounds }),
      ...(this.entry.iconUrl && { iconUrl: this.entry.iconUrl }),
      ...(this.error && { error: this.error }),
      ...(this.badge && { badge: this.badge }),
      ...(this.menuState && { menu: this.menuState }),
    };
  }

  /**
   * The view was destroyed (unloaded): strings queued for the old page are dropped, and so are
   * login answers still on their way. What the app asked to keep (`args`, from `SetArgs`) stays.
   */
  unloaded(): void {
    this.state = 'unloaded';
    this.send = undefined;
    this.pending.length = 0;
  }

  /** Bind the app-frame page; strings queued meanwhile are delivered in order. */
  attach(send: (frame: ToAppFrame) => void): void {
    this.send = send;
  }

  /**
   * Its page is to be replaced by one somewhere else (pop-out.ts, browser shell): nothing more
   * goes to the old one, which is no longer heard either (AppHost checks `attachedTo`).
   */
  release(): void {
    this.send = undefined;
  }

  detach(send: (frame: ToAppFrame) => void): void {
    if (this.send === send) this.send = undefined;
  }

  /** Whether `send` is the page attached now (a link that was replaced is not). */
  attachedTo(send: (frame: ToAppFrame) => void): boolean {
    return this.send === send;
  }

  get attached(): boolean {
    return this.send !== undefined;
  }

  /** `allow`: the app iframe's permissions policy (app-permissions.ts). */
  load(url: string, allow: string): void {
    this.send?.({ kind: 'load', url, website: this.entry.website, title: this.entry.title, allow });
  }

  /**
   * A frame of the direct Client API path (grant, revoke, handover) to the page, in the same
   * stream as the posts; dropped without a page (a grant ends when its page goes: api-grants.ts).
   */
  frame(frame: Extract<ToAppFrame, { kind: 'grant' | 'revoke' | 'handover' | 'inspect' }>): void {
    this.send?.(frame);
  }

  /**
   * Post a string to the app; plain websites never get messages (control 8). `from`: the app
   * whose Client API message the broker passes on (for the inspector).
   */
  post(text: string, from?: InspectorApp): void {
    // An unloaded app has no page; what it needs when it loads again comes with its URL.
    if (this.entry.website || this.state === 'closed' || this.state === 'unloaded') return;
    // The inspector's tap: while it is closed, this null check is all it costs.
    const tap = this.inspector.current;
    if (tap) tap.toApp(this, text, from);
    this.deliver(text);
  }

  private deliver(text: string): void {
    // Until the app says Alive its library cannot take messages; lib1 registers first, then posts Alive.
    if (this.send && this.state === 'alive') this.send({ kind: 'post', text });
    else {
      if (this.pending.length >= MAX_PENDING_POSTS) this.pending.shift();
      this.pending.push(text);
    }
  }

  alive(): void {
    this.state = 'alive';
    this.error = undefined;
    for (const text of this.pending.splice(0)) this.deliver(text);
  }

  /** Queue an app login; `deliver` runs in request order once this one and all before it are answered. */
  queueLogin(answer: Promise<string>): void {
    const previous = this.logins.at(-1) ?? Promise.resolve('');
    const ordered = previous.then(() => answer);
    this.logins.push(ordered);
    // A page loaded anew (unloaded and opened again) did not ask for this one.
    const epoch = this.frameEpoch;
    void ordered.then((text) => {
      this.logins.shift();
      if (epoch === this.frameEpoch) this.post(text);
    });
  }
}
