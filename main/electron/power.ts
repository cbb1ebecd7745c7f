/**
 * Presence and the connection from the desktop: what the OS knows about the user and the
 * machine, reported to the core.
 *
 * - Away from the desk: `powerMonitor.getSystemIdleState(5 min)` polled every 5 s, and the
 *   screen lock (`lock-screen` / `unlock-screen`): idle or locked → `core.setUserActivity(true)`,
 *   back → `setUserActivity(false)`; only changes are reported (the core tells the PBX).
 * - Back from sleep (`resume`) → `core.reconnectNow('resumed from sleep')`: the old link is
 *   probably dead, and waiting for the keep-alive to notice would take up to a minute.
 * - Network back: `net.isOnline()` polled every 5 s (powerMonitor has no network event); on
 *   offline → online → `core.reconnectNow('network back')` instead of waiting for the backoff.
 *
 * The decisions are PURE (`isInactive`, `ActivityState`, `networkBack`; unit-tested);
 * `watchPower` polls and listens. Only `import type` from electron.
 */
import type { Net, PowerMonitor } from 'electron';
import type { Logger } from '../core/common/log.js';

/** Idle this long (seconds) and the user counts as away. */
export const IDLE_THRESHOLD_S = 5 * 60;
/** How often idle time and the network are looked at. */
export const POLL_MS = 5000;

export type IdleState = ReturnType<PowerMonitor['getSystemIdleState']>;

/** Idle or locked counts as away; 'unknown' (the OS cannot tell) as present. */
export function isInactive(state: IdleState, screenLocked: boolean): boolean {
  return screenLocked || state === 'idle' || state === 'locked';
}

/** Remembers what was reported; `next` answers the value to report, or undefined when nothing changed. */
export class ActivityState {
  /** The core starts out thinking the user is present. */
  private reported = false;

  next(inactive: boolean): boolean | undefined {
    if (inactive === this.reported) return undefined;
    this.reported = inactive;
    return inactive;
  }
}

/** An offline → online edge (the first look only sets the baseline). */
export function networkBack(before: boolean | undefined, now: boolean): boolean {
  return before === false && now;
}

export interface PowerCore {
  setUserActivity(inactive: boolean): void;
  reconnectNow(reason: string): void;
}

export interface PowerOptions {
  powerMonitor: Pick<PowerMonitor, 'getSystemIdleState' | 'on' | 'removeListener'>;
  net: Pick<Net, 'isOnline'>;
  core: PowerCore;
  log: Logger;
  pollMs?: number;
  idleThresholdS?: number;
}

/** Start watching; returns the stop. */
export function watchPower(options: PowerOptions): () => void {
  const { powerMonitor, net, core, log } = options;
  const threshold = options.idleThresholdS ?? IDLE_THRESHOLD_S;
  const activity = new ActivityState();
  let screenLocked = false;
  let online: boolean | undefined;

  const checkActivity = () => {
    let state: IdleState;
    try {
      state = powerMonitor.getSystemIdleState(threshold);
    } catch (e) {
      log('warn', 'the idle state could not be read', { error: String(e) });
      state = 'unknown';
    }
    const change = activity.next(isInactive(state, screenLocked));
    if (change === undefined) return;
    log('info', change ? 'the user is away (idle or locked)' : 'the user is back', { state, screenLocked });
    core.setUserActivity(change);
  };
  const checkNetwork = () => {
    const now = net.isOnline();
    if (networkBack(online, now)) {
      log('info', 'the network is back: reconnecting now');
      core.reconnectNow('network back');
    }
    online = now;
  };
  const onLock = () => {
    screenLocked = true;
    checkActivity();
  };
  const onUnlock = () => {
    screenLocked = false;
    checkActivity();
  };
  const onResume = () => {
    log('info', 'resumed from sleep: reconnecting now');
    core.reconnectNow('resumed from sleep');
    checkActivity();
  };
  powerMonitor.on('lock-screen', onLock);
  powerMonitor.on('unlock-screen', onUnlock);
  powerMonitor.on('resume', onResume);
  checkNetwork();
  checkActivity();
  const timer = setInterval(() => {
    checkActivity();
    checkNetwork();
  }, options.pollMs ?? POLL_MS);
  timer.unref?.();
  return () => {
    clearInterval(timer);
    powerMonitor.removeListener('lock-screen', onLock);
    powerMonitor.removeListener('unlock-screen', onUnlock);
    powerMonitor.removeListener('resume', onResume);
  };
}
