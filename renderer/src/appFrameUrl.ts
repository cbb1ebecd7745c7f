/**
 * Where the app-frame page of an app view is: the one place that knows. In the browser shell
 * it is `appframe.html` next to this page, with the view id and this run's token (the shell
 * serves no page without it); the Electron shell will host app views its own way.
 */
import { appFramePagePath } from '../../main/core/bridge/app-frame.js';
import { shellToken } from './bridge.js';

export function appFrameUrl(viewId: string): string {
  return `.${appFramePagePath}?view=${encodeURIComponent(viewId)}&token=${encodeURIComponent(shellToken())}`;
}
