/**
 * The message inspector's state in the UI (README, "For app developers"): whether its panel is
 * open and for which app, and the entries the core sent — what it kept when the panel opened
 * (`inspectorOpen`), then its `inspector` events. The core records only while a panel is open;
 * this page's panel has one id for the page's life, so opening it again (or again after the
 * bridge reconnected) counts once. Entries are capped as the core caps them; a paused panel
 * holds new ones back until it resumes.
 */
import { useSyncExternalStore } from 'react';
import type { BridgeConnection } from '../bridge.js';
import type { InspectorEntry } from '../../../main/core/bridge/inspector.js';
import { invoke } from '../store.js';

/** As many as the core keeps (INSPECTOR_CAPACITY): the panel never holds more. */
export const MAX_ENTRIES = 5000;

export interface InspectorState {
  open: boolean;
  /** The app the panel was opened for (its App Object name); undefined: all apps. */
  app: string | undefined;
  entries: readonly InspectorEntry[];
  paused: boolean;
  /** Entries that came while paused, shown on resume. */
  held: readonly InspectorEntry[];
  /** Why the core refused to record (developer mode off, IT's lock), as it said, to show in the panel. */
  error: string | undefined;
  /** The core stopped recording: developer mode went off while the panel was open. */
  stopped: boolean;
}

const panel = `panel-${Math.random().toString(36).slice(2, 12)}`;
let state: InspectorState = { open: false, app: undefined, entries: [], paused: false, held: [], error: undefined, stopped: false };
const listeners = new Set<() => void>();

function set(patch: Partial<InspectorState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useInspector<T>(select: (s: InspectorState) => T): T {
  return useSyncExternalStore(subscribe, () => select(state));
}

/** Newest last, each once (by `seq`), at most MAX_ENTRIES. */
function merge(into: readonly InspectorEntry[], more: readonly InspectorEntry[]): InspectorEntry[] {
  const last = into.at(-1)?.seq ?? 0;
  const fresh = more.filter((e) => e.seq > last);
  const all = fresh.length === 0 ? [...into] : [...into, ...fresh];
  return all.length > MAX_ENTRIES ? all.slice(all.length - MAX_ENTRIES) : all;
}

async function subscribeCore(): Promise<void> {
  const result = await invoke({ type: 'inspectorOpen', panel });
  if (!state.open) return;
  if (!result.ok) {
    set({ error: result.error });
    return;
  }
  const kept = (result.value as { entries?: InspectorEntry[] } | undefined)?.entries ?? [];
  // What came by event while the answer was on its way is newer than what it lists.
  set({ error: undefined, stopped: false, entries: merge(kept, state.entries) });
}

/** Open the panel, for one app (its App Object name) or for all apps. */
export function openInspector(app?: string): void {
  const wasOpen = state.open;
  set({ open: true, app });
  if (!wasOpen) void subscribeCore();
}

export function closeInspector(): void {
  if (!state.open) return;
  set({ open: false, error: undefined, stopped: false, paused: false, held: [] });
  void invoke({ type: 'inspectorClose', panel });
}

export function setPaused(paused: boolean): void {
  if (paused) set({ paused: true });
  else set({ paused: false, entries: merge(state.entries, state.held), held: [] });
}

export function clearInspector(): void {
  set({ entries: [], held: [] });
  void invoke({ type: 'inspectorClear' });
}

/** Take the core's `inspector` events for as long as the page lives; open again after the bridge reconnects. */
export function forwardInspector(bridge: Pick<BridgeConnection, 'onEvent' | 'onStatus'>): () => void {
  const stopEvents = bridge.onEvent((event) => {
    if (event.type !== 'inspector' || !state.open) return;
    if (event.stopped) {
      set({ stopped: true, entries: [], held: [] });
      return;
    }
    if (state.paused) set({ held: merge(state.held, event.entries) });
    else set({ entries: merge(state.entries, event.entries) });
  });
  const stopStatus = bridge.onStatus((status) => {
    if (status === 'open' && state.open) void subscribeCore();
  });
  // The page goes (reload, window closed) with its panel open: the core would go on recording
  // for a panel nobody sees, so it is closed on the way out (the panel's id dies with the page).
  const leaving = () => {
    if (state.open) void invoke({ type: 'inspectorClose', panel });
  };
  addEventListener('pagehide', leaving);
  return () => {
    stopEvents();
    stopStatus();
    removeEventListener('pagehide', leaving);
  };
}
