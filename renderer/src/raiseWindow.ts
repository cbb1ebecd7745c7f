/**
 * Browser shell: the core asks for the window (`raiseWindow`: a `Wake` for an incoming call) and
 * the page focuses itself — as far as the browser lets a page (a click on a notification does the
 * same). Electron's main process shows and focuses its window itself (`ShellPort.showWindow`).
 */
import type { BridgeApi } from '../../main/core/bridge/channels.js';

export function raiseWindowOnRequest(bridge: Pick<BridgeApi, 'onEvent'>): () => void {
  return bridge.onEvent((event) => {
    if (event.type === 'raiseWindow') window.focus();
  });
}
