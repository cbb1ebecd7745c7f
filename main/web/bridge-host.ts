/**
 * What the browser shell hosts: the core object seen through the bridge contract only.
 * A structural type, so the real `ClientCore` fits without the shell depending on it (tests
 * host a small recording implementation instead).
 */
import type { AppFrameHost } from '../core/bridge/app-frame.js';
import type { CommandResult } from '../core/bridge/commands.js';
import type { BridgeEvent } from '../core/bridge/events.js';

export interface BridgeHost {
  /** Validates and runs a command (raw, from the wire); never throws. */
  handle(raw: unknown): Promise<CommandResult>;
  /** Every BridgeEvent the UI must see; returns unsubscribe. */
  onEvent(listener: (event: BridgeEvent) => void): () => void;
  /**
   * App-frame pages (`appFrameBridgePath`): bind one page's connection to a view. A host
   * without it hosts no apps, and the shell refuses every app-frame connection.
   */
  attachAppFrame?: AppFrameHost['attachAppFrame'];
  /**
   * The UI page of an app's own window (`/?popout=<viewId>`, main/core/apps/pop-out.ts) went away:
   * its bridge connection, opened for that view, closed. The app docks back into the main window.
   */
  popOutWindowClosed?(viewId: string): void;
  /**
   * The origin of the status page an app shows at exactly `url`, or undefined when none is
   * (ClientCore.statusInfoOrigin): the shell serves the status-frame page for that URL only,
   * with `frame-src` set to that origin. A host without it shows no status pages.
   */
  statusInfoOrigin?(url: string): string | undefined;
}
