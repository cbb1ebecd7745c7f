/**
 * The Electron relay's wire format down to the app-frame page: the same per-tick batching as the
 * browser shell's socket (web-shell.test.ts, "wire format"). Driven with recording stand-ins for
 * ipcMain and a view's web contents (not Electron) and a host that records what it attaches.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { AppFrameHost, FromAppFrame, ToAppFrame } from '../../main/core/bridge/app-frame.js';
import { ipcChannels } from '../../main/core/bridge/channels.js';
import { wireAppFrames } from '../../main/electron/app-frame-relay.js';
import { StandInWebContents } from '../support/stand-in-web-contents.js';

const pageUrl = 'app://myapps/appframe.html?view=v1';

function setUp() {
  const ipcMain = new EventEmitter();
  const contents = new StandInWebContents();
  const links: { send: (frame: ToAppFrame) => void; received: FromAppFrame[] }[] = [];
  const host: AppFrameHost = {
    attachAppFrame(_viewId, send) {
      const link = { send, received: [] as FromAppFrame[] };
      links.push(link);
      return { receive: (f) => link.received.push(f), detach: () => {} };
    },
  };
  const relay = wireAppFrames(ipcMain as never, (id) => (id === contents.id ? 'v1' : undefined), host, () => {});
  relay.watch('v1', contents as never);
  const hello = () => ipcMain.emit(ipcChannels.appFrameUp, { sender: contents, senderFrame: { url: pageUrl, parent: null } }, JSON.stringify({ kind: 'hello' }));
  return { contents, links, hello, relay };
}

describe('Electron relay: frames down to the page', () => {
  it('what the core sends in one tick is one IPC message, posts as `p` + the text unwrapped; a later lone frame goes as it is', async () => {
    const { contents, links, hello } = setUp();
    hello();
    const [link] = links as [(typeof links)[0]];
    for (let i = 0; i < 30; i++) link.send({ kind: 'post', text: `{"mt":"N","i":${i}}` });
    await vi.waitFor(() => expect(contents.sent).toHaveLength(1));
    expect(contents.sent[0]!.startsWith('17:p{"mt":"N","i":0}17:p{"mt":"N","i":1}')).toBe(true);
    expect(contents.frames()).toEqual(Array.from({ length: 30 }, (_, i) => ({ kind: 'post', text: `{"mt":"N","i":${i}}` })));
    link.send({ kind: 'post', text: 'alone' });
    await vi.waitFor(() => expect(contents.sent).toEqual([contents.sent[0], 'palone']));
  });

  it('frames an earlier link queued are dropped once the page said hello again; the new link’s go out (positive control)', async () => {
    const { contents, links, hello } = setUp();
    hello();
    const [old] = links as [(typeof links)[0]];
    old.send({ kind: 'post', text: 'before the reload' });
    hello();
    const fresh = links[1]!;
    fresh.send({ kind: 'post', text: 'after the reload' });
    await vi.waitFor(() => expect(contents.sent.length).toBeGreaterThan(0));
    expect(contents.frames()).toEqual([{ kind: 'post', text: 'after the reload' }]);
  });
});
