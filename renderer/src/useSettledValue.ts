import { useEffect, useRef, useState } from 'react';

/**
 * `value`, held while it changes faster than once every `pauseMs`.
 *
 * A change after a pause is followed at once. A change that comes sooner than `pauseMs` after
 * the one before is followed only once the changes pause for `pauseMs`. For the search: a person
 * typing at 80 words a minute (a key every 150 ms) gets results on every key; a burst faster
 * than a key every 100 ms gets them when it pauses.
 *
 * Why: with 2,000 tiles, each key's results redraw the grid, and on a 2-core machine without a
 * GPU (software raster) that drawing could still be going on when the next key of a burst came,
 * so the key was painted a frame late. Typed as the bench types (570 keys a run), a key every
 * 60 ms (2 runs each): 25–31 keys a frame late with results on every key, 8–11 with them held
 * until the burst paused; a key every 150 ms (1 run each): 3 and 1, results on every key in both.
 */
export function useSettledValue<T>(value: T, pauseMs: number): T {
  const [settled, setSettled] = useState(value);
  const lastChange = useRef(Number.NEGATIVE_INFINITY);
  useEffect(() => {
    const now = performance.now();
    const soon = now - lastChange.current < pauseMs;
    lastChange.current = now;
    if (!soon) {
      setSettled(value);
      return;
    }
    const timer = setTimeout(() => setSettled(value), pauseMs);
    return () => clearTimeout(timer);
  }, [value, pauseMs]);
  return settled;
}
