/**
 * Electron: the shell's part of the direct Client API data path (main/core/bridge/api-direct.ts).
 * When the core grants a channel, the main process creates a `MessageChannelMain` and posts one
 * port to each of the two app views' web contents (`ipcChannels.appFramePort`); the app views'
 * preload hands it to its app-frame page. On revoke both pages are told the channel is closed.
 * Which views take part is the core's decision; nothing here looks at what the apps send.
 *
 * Only `import type` from electron: the channel constructor is passed in.
 */
import type { MessagePortMain, WebContents } from 'electron';
import type { ApiChannelChange, ApiPortNotice } from '../core/bridge/api-direct.js';
import { ipcChannels } from '../core/bridge/channels.js';
import type { Logger } from '../core/common/log.js';

export interface ApiPortsDeps {
  /** `new MessageChannelMain()`. */
  createChannel(): { port1: MessagePortMain; port2: MessagePortMain };
  /** The web contents of an app view, while it lives. */
  contentsOf(viewId: string): WebContents | undefined;
  log: Logger;
}

export function electronApiPorts(deps: ApiPortsDeps): (change: ApiChannelChange) => void {
  return (change) => {
    const consumer = deps.contentsOf(change.consumerView);
    const provider = deps.contentsOf(change.providerView);
    const live = (c: WebContents | undefined): c is WebContents => c !== undefined && !c.isDestroyed();
    if (change.kind === 'close') {
      const notice: ApiPortNotice = { myappsApiPort: 'close', channel: change.channel };
      for (const c of [consumer, provider]) if (live(c)) c.postMessage(ipcChannels.appFramePort, notice);
      return;
    }
    // Without both views the channel never goes live: their messages keep going through the core.
    if (!live(consumer) || !live(provider)) {
      deps.log('debug', 'direct API channel not joined: a view is gone', { consumer: live(consumer), provider: live(provider) });
      return;
    }
    const { port1, port2 } = deps.createChannel();
    const notice: ApiPortNotice = { myappsApiPort: 'open', channel: change.channel };
    consumer.postMessage(ipcChannels.appFramePort, notice, [port1]);
    provider.postMessage(ipcChannels.appFramePort, notice, [port2]);
  };
}
