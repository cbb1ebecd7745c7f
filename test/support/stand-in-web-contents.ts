/**
 * A recording stand-in for the web contents of an app view (NOT Electron): what the Electron
 * app-frame relay (main/electron/app-frame-relay.ts) calls on it, and the events it listens to
 * (emit `render-process-gone`, `did-start-navigation`, `destroyed` on it). What the relay sends
 * down to the page is kept as it went: one string per IPC message.
 */
import { EventEmitter } from 'node:events';
import { decodeToAppFrames, type ToAppFrame } from '../../main/core/bridge/app-frame.js';
import { ipcChannels } from '../../main/core/bridge/channels.js';

export class StandInWebContents extends EventEmitter {
  private static ids = 100;
  readonly id = StandInWebContents.ids++;
  /** Each IPC message sent to the page (a tick's frames batched into one). */
  readonly sent: string[] = [];
  destroyed = false;
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, text: string): void {
    if (channel === ipcChannels.appFrameDown) this.sent.push(text);
  }
  /** Every frame sent so far (or from message `start` on), batches unpacked. */
  frames(start = 0): ToAppFrame[] {
    return this.sent.slice(start).flatMap((t) => decodeToAppFrames(t));
  }
}
