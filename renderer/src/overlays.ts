/**
 * What the UI draws over the app in front. In Electron (`shell.appViews === 'native'`) an app
 * is a native view stacked ABOVE the whole UI page, so a menu, dialog or toast drawn over the
 * app area would disappear under it. Components that draw one say so while it is open:
 *
 * - `useHidingOverlay(open)`: menus and modal dialogs. While any is open no app view may be
 *   seen (AppViews reports no bounds).
 * - `useAvoidedOverlay(ref, open)`: toasts. The app view is shrunk to keep clear of the
 *   element (or hidden when too little would be left).
 *
 * In the browser shell the apps are iframes inside the page and stack under overlays by
 * themselves; the registry is kept all the same and simply not read.
 */
import { useLayoutEffect, type RefObject } from 'react';

type Overlay = { kind: 'hide' } | { kind: 'avoid'; element: HTMLElement };

export interface OverlaysNow {
  /** A menu or modal dialog is open. */
  hide: boolean;
  /** Where the open avoided overlays are, in viewport CSS px. */
  avoid: DOMRect[];
}

const open = new Set<Overlay>();
const listeners = new Set<() => void>();
let resizes: ResizeObserver | undefined;

function changed(): void {
  for (const listener of listeners) listener();
}

/** Calls `listener` whenever an overlay opens, closes, or an avoided one changes size. */
export function subscribeOverlays(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function overlaysNow(): OverlaysNow {
  let hide = false;
  const avoid: DOMRect[] = [];
  for (const o of open) {
    if (o.kind === 'hide') hide = true;
    else avoid.push(o.element.getBoundingClientRect());
  }
  return { hide, avoid };
}

function add(overlay: Overlay): () => void {
  open.add(overlay);
  if (overlay.kind === 'avoid') {
    resizes ??= new ResizeObserver(changed);
    resizes.observe(overlay.element);
  }
  changed();
  return () => {
    open.delete(overlay);
    if (overlay.kind === 'avoid') resizes?.unobserve(overlay.element);
    changed();
  };
}

/** A menu or modal dialog: while `isOpen`, no app view may be seen. */
export function useHidingOverlay(isOpen: boolean): void {
  // Layout effect: registered in the same commit that draws it, before the browser paints.
  useLayoutEffect(() => (isOpen ? add({ kind: 'hide' }) : undefined), [isOpen]);
}

/** Floating content (toasts): while `isOpen`, app views keep clear of the element. */
export function useAvoidedOverlay(ref: RefObject<HTMLElement | null>, isOpen: boolean): void {
  useLayoutEffect(() => {
    const element = ref.current;
    return isOpen && element ? add({ kind: 'avoid', element }) : undefined;
  }, [ref, isOpen]);
}
