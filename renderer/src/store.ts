/**
 * The UI state: the core's Snapshot plus the bridge's own status, kept in one module-level
 * value and read by components through useSyncExternalStore. Events are applied with the
 * contract's own reducer, which keeps untouched parts of the snapshot identical, so a
 * selector like `s => s.snapshot?.apps` only re-renders its component when apps change.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Command, CommandResult } from '../../main/core/bridge/commands.js';
import { applyEvent, type BridgeEvent } from '../../main/core/bridge/events.js';
import type { Snapshot } from '../../main/core/bridge/views.js';
import { lostResult, type BridgeConnection, type BridgeStatus } from './bridge.js';
import { onSystemPreferencesChange, systemPreferences } from './systemPreferences.js';

export interface UiState {
  /** Undefined until the core answered the first getSnapshot. */
  snapshot: Snapshot | undefined;
  bridge: BridgeStatus;
}

let state: UiState = { snapshot: undefined, bridge: 'connecting' };
let connection: BridgeConnection | undefined;
/** Bumped on every (re)open so a late snapshot from an earlier link cannot overwrite a newer one. */
let generation = 0;
const listeners = new Set<() => void>();

function update(next: UiState): void {
  state = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Where components read the UI state: the live store, or a fixed state no event changes (warmUp.tsx). */
export interface UiSource {
  state(): UiState;
  subscribe(listener: () => void): () => void;
}

export const liveUiSource: UiSource = { state: () => state, subscribe };

export const UiSourceContext = createContext<UiSource>(liveUiSource);

export function fixedUiSource(fixed: UiState): UiSource {
  return { state: () => fixed, subscribe: () => () => undefined };
}

export function useUi<T>(select: (s: UiState) => T): T {
  const source = useContext(UiSourceContext);
  return useSyncExternalStore(source.subscribe, () => select(source.state()));
}

export function invoke(command: Command): Promise<CommandResult> {
  return connection ? connection.invoke(command) : Promise.resolve(lostResult);
}

export function startStore(bridge: BridgeConnection): void {
  connection = bridge;
  bridge.onEvent(receive);
  bridge.onStatus((status) => {
    update({ ...state, bridge: status });
    if (status !== 'open') return;
    void fetchSnapshot(++generation);
    // A core that restarted knows nothing of the OS: tell it on every (re)open.
    void invoke(systemPreferences());
  });
  onSystemPreferencesChange(() => void invoke(systemPreferences()));
}

/**
 * Events come in bursts (after a login: connection, login, user, sessions, presence, apps… in
 * a few frames): each is applied at once, but components hear of them once per frame, so a
 * burst costs one render, not one per event — and the login screen that is about to go is not
 * re-rendered for each. A hidden window gets no animation frames: the timer stands in.
 */
let notifyPending = false;
function updateSoon(next: UiState): void {
  state = next;
  if (notifyPending) return;
  notifyPending = true;
  const notify = () => {
    if (!notifyPending) return;
    notifyPending = false;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    for (const listener of listeners) listener();
  };
  const frame = requestAnimationFrame(notify);
  const timer = setTimeout(notify, 100);
}

function receive(event: BridgeEvent): void {
  const current = state.snapshot;
  if (current) updateSoon({ ...state, snapshot: applyEvent(current, event) });
  // Before the first snapshot there is nothing to apply a partial event to; the snapshot
  // that is on its way already contains it.
  else if (event.type === 'snapshot') update({ ...state, snapshot: event.snapshot });
}

async function fetchSnapshot(gen: number): Promise<void> {
  const result = await invoke({ type: 'getSnapshot' });
  if (gen !== generation || !result.ok || !isSnapshot(result.value)) return;
  update({ ...state, snapshot: result.value });
}

function isSnapshot(value: unknown): value is Snapshot {
  return typeof value === 'object' && value !== null && 'connection' in value && 'settings' in value;
}
