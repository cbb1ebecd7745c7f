/**
 * Browser shell: the UI page frames every app-frame page (`appframe.html?view=<viewId>&…`), so
 * it is the shell that joins two of them for a direct Client API channel the core granted
 * (main/core/bridge/api-direct.ts): a `MessageChannel`, one port to each page, posted to our own
 * origin only. Closing tells both pages. The core decided; this only carries it out. (Electron
 * does the same in the main process with `MessageChannelMain`.)
 */
import type { ApiChannelChange, ApiPortNotice } from '../../main/core/bridge/api-direct.js';
import { appFramePagePath } from '../../main/core/bridge/app-frame.js';
import type { BridgeApi } from '../../main/core/bridge/channels.js';

/** The window of the app-frame page of `viewId`, if the UI frames it now. */
function appFrameWindow(viewId: string): Window | undefined {
  for (const frame of document.querySelectorAll('iframe')) {
    let url: URL;
    try {
      url = new URL(frame.src, window.location.href);
    } catch {
      continue;
    }
    if (url.origin === window.location.origin && url.pathname.endsWith(appFramePagePath) && url.searchParams.get('view') === viewId) return frame.contentWindow ?? undefined;
  }
  return undefined;
}

export function applyApiChannel(change: ApiChannelChange): void {
  const consumer = appFrameWindow(change.consumerView);
  const provider = appFrameWindow(change.providerView);
  const origin = window.location.origin;
  if (change.kind === 'close') {
    const notice: ApiPortNotice = { myappsApiPort: 'close', channel: change.channel };
    consumer?.postMessage(notice, origin);
    provider?.postMessage(notice, origin);
    return;
  }
  // Without both pages the channel never goes live: their messages keep going through the core.
  if (!consumer || !provider) return;
  const { port1, port2 } = new MessageChannel();
  const notice: ApiPortNotice = { myappsApiPort: 'open', channel: change.channel };
  consumer.postMessage(notice, origin, [port1]);
  provider.postMessage(notice, origin, [port2]);
}

/** Carry out the core's `apiChannel` events for as long as the page lives. */
export function joinApiPorts(bridge: Pick<BridgeApi, 'onEvent'>): () => void {
  return bridge.onEvent((event) => {
    if (event.type === 'apiChannel') applyApiChannel(event.change);
  });
}
