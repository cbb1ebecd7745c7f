/**
 * The client's shortcuts pressed where the UI cannot hear them (in an app view): the core sends
 * them as `shortcut` events (bridge/events.ts), and the UI acts on them as on its own keydown.
 * This carries them from the bridge to whoever listens (App.tsx), as `onEvent` carries the rest.
 */
import type { BridgeApi } from '../../main/core/bridge/channels.js';
import type { Shortcut } from '../../main/core/bridge/shortcuts.js';

const listeners = new Set<(shortcut: Shortcut) => void>();

export function forwardShortcuts(bridge: Pick<BridgeApi, 'onEvent'>): () => void {
  return bridge.onEvent((event) => {
    if (event.type === 'shortcut') for (const listener of listeners) listener(event.shortcut);
  });
}

/** Returns the function that stops listening. */
export function onShortcut(listener: (shortcut: Shortcut) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
