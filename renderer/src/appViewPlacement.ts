/**
 * Electron (`shell.appViews === 'native'`): the UI draws a placeholder where the app in front
 * goes and tells the core where it is (`placeAppView`); the main process lays the app's native
 * view over it. The bounds are the placeholder's `getBoundingClientRect()` (CSS px of the
 * window's viewport), re-measured whenever something may have moved it (its size, the
 * window's size, an overlay opening or closing), at most once per animation frame, and sent
 * only when they changed. No bounds: no app view may be seen (no app in front, a menu or
 * dialog open).
 */
import { useEffect, useRef } from 'react';
import type { AppViewBounds } from '../../main/core/bridge/views.js';
import { overlaysNow, subscribeOverlays, type OverlaysNow } from './overlays.js';
import { invoke, useUi } from './store.js';

/** Room left between the app view and an avoided overlay (its shadow). */
export const avoidGap = 8;
/** Less than this left beside an avoided overlay, and the view is hidden instead. */
export const minimumSize = { width: 120, height: 90 };

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Where the app view goes: the placeholder's rect, within the viewport, clear of overlays; undefined = hidden. */
export function appViewBounds(placeholder: Box, viewport: { width: number; height: number }, overlays: OverlaysNow): AppViewBounds | undefined {
  if (overlays.hide) return undefined;
  let box: Box | undefined = {
    left: Math.max(0, placeholder.left),
    top: Math.max(0, placeholder.top),
    right: Math.min(viewport.width, placeholder.right),
    bottom: Math.min(viewport.height, placeholder.bottom),
  };
  for (const avoided of overlays.avoid) {
    box = keepClear(box, avoided);
    if (!box) return undefined;
  }
  const x = Math.round(box.left);
  const y = Math.round(box.top);
  const width = Math.round(box.right) - x;
  const height = Math.round(box.bottom) - y;
  return width >= 1 && height >= 1 ? { x, y, width, height } : undefined;
}

/** The largest part of `box` beside `avoided` (left, above, right or below it), or undefined when none is big enough. */
function keepClear(box: Box, avoided: Box): Box | undefined {
  const empty = avoided.right <= avoided.left || avoided.bottom <= avoided.top;
  const apart = avoided.left >= box.right || avoided.right <= box.left || avoided.top >= box.bottom || avoided.bottom <= box.top;
  if (empty || apart) return box;
  const parts: Box[] = [
    { ...box, right: Math.min(box.right, avoided.left - avoidGap) },
    { ...box, bottom: Math.min(box.bottom, avoided.top - avoidGap) },
    { ...box, left: Math.max(box.left, avoided.right + avoidGap) },
    { ...box, top: Math.max(box.top, avoided.bottom + avoidGap) },
  ];
  let best: Box | undefined;
  let bestArea = 0;
  for (const p of parts) {
    const width = p.right - p.left;
    const height = p.bottom - p.top;
    if (width < minimumSize.width || height < minimumSize.height || width * height <= bestArea) continue;
    best = p;
    bestArea = width * height;
  }
  return best;
}

const sameBounds = (a: AppViewBounds | undefined, b: AppViewBounds | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height);

/**
 * Reports where the app view for `placeholder` goes while `visible` (an app in front that can
 * be seen), and no bounds otherwise — and once more, no bounds, when the caller unmounts.
 */
export function useAppViewPlacement(placeholder: HTMLElement | null, visible: boolean): void {
  const bridge = useUi((s) => s.bridge);
  /** What the core was last told; `null`: nothing yet (or a send failed), so the next measure sends. */
  const sent = useRef<AppViewBounds | undefined | null>(null);
  const frame = useRef(0);
  const state = useRef({ placeholder, visible });
  state.current = { placeholder, visible };

  const schedule = useRef(() => {
    if (frame.current !== 0) return;
    frame.current = window.requestAnimationFrame(() => {
      frame.current = 0;
      const { placeholder: element, visible: shown } = state.current;
      const bounds = shown && element ? appViewBounds(element.getBoundingClientRect(), { width: window.innerWidth, height: window.innerHeight }, overlaysNow()) : undefined;
      if (sent.current !== null && sameBounds(sent.current, bounds)) return;
      sent.current = bounds;
      void invoke({ type: 'placeAppView', ...(bounds && { bounds }) }).then((result) => {
        // Not delivered: say it again at the next measure.
        if (!result.ok && sent.current === bounds) sent.current = null;
      });
    });
  }).current;

  // Anything that may move the placeholder, or cover it.
  useEffect(() => {
    const resizes = new ResizeObserver(schedule);
    if (placeholder) resizes.observe(placeholder);
    resizes.observe(document.documentElement);
    window.addEventListener('resize', schedule);
    const unsubscribe = subscribeOverlays(schedule);
    return () => {
      resizes.disconnect();
      window.removeEventListener('resize', schedule);
      unsubscribe();
    };
  }, [placeholder, schedule]);

  // Every render may have moved it (the header wrapping, a notice above); a reconnected core knows nothing.
  useEffect(() => {
    if (bridge === 'open') schedule();
  });
  useEffect(() => {
    if (bridge === 'open') sent.current = null;
  }, [bridge]);

  useEffect(
    () => () => {
      window.cancelAnimationFrame(frame.current);
      frame.current = 0;
      if (sent.current !== undefined) void invoke({ type: 'placeAppView' });
    },
    [],
  );
}
