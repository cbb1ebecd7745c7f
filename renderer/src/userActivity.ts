/**
 * The browser shell's view of the user: idle or back, and the network coming back. (Electron's
 * main process watches the OS for both and tells the core itself; there the UI does nothing.)
 *
 * Idle: no keyboard or pointer input in the UI page for `idleMs` (5 minutes) — a hidden page
 * gets none, so it counts as idle after the same time. Any input: back. The core hears of
 * changes only (`setUserActivity`) and tells the PBX (SetUserActivity).
 *
 * What the page cannot see: input inside an app's frame (another origin) does not reach it.
 * Focus moving into an app's frame does (the page's window loses focus to the iframe), and
 * counts as input; the pointer moving over the UI on its way there does too. And while the
 * focus is inside an app's frame of a visible page, the user counts as at work whatever the
 * time: someone typing in an app for an hour is not away.
 */
export const IDLE_MS = 5 * 60_000;

const inputs = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

/** Watches until the returned function is called. `report(inactive)` is called on changes only. */
export function watchUserActivity(report: (inactive: boolean) => void, idleMs = IDLE_MS): () => void {
  let last = Date.now();
  let inactive = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  // One timer, re-armed for the rest of the time when it fires early: input only moves `last`.
  const arm = (delay: number) => {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, delay));
  };
  function check() {
    const left = last + idleMs - Date.now();
    if (left > 0) return arm(left);
    // Working inside an app (focus in its frame, page visible): not idle; look again later.
    if (document.visibilityState === 'visible' && document.activeElement instanceof HTMLIFrameElement && document.hasFocus()) {
      last = Date.now();
      return arm(idleMs);
    }
    timer = undefined;
    if (!inactive) {
      inactive = true;
      report(true);
    }
  }
  const onInput = () => {
    last = Date.now();
    if (inactive) {
      inactive = false;
      report(false);
    }
    if (timer === undefined) arm(idleMs);
  };
  // Focus leaving the page for an app's frame is the user at work, not away.
  const onBlur = () => {
    if (document.activeElement instanceof HTMLIFrameElement) onInput();
  };

  for (const type of inputs) window.addEventListener(type, onInput, { capture: true, passive: true });
  window.addEventListener('blur', onBlur);
  arm(idleMs);
  return () => {
    clearTimeout(timer);
    for (const type of inputs) window.removeEventListener(type, onInput, { capture: true });
    window.removeEventListener('blur', onBlur);
  };
}

/** The browser says the network is back (`online`): the core reconnects now rather than after its backoff. */
export function watchNetwork(onBack: () => void): () => void {
  window.addEventListener('online', onBack);
  return () => window.removeEventListener('online', onBack);
}
