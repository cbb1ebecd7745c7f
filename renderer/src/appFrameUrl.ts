/**
 * Where the app-frame page of an app view is: the one place that knows. In the browser shell
 * it is `appframe.html` next to this page, with the view id and this run's token (the shell
 * serves no page without it). In Electron (`shell.appViews === 'native'`) the UI frames
 * nothing: the main process loads the page into each app's own view.
 */
import { appFramePagePath } from '../../main/core/bridge/app-frame.js';
import { shellToken } from './bridge.js';

export function appFrameUrl(viewId: string): string {
  return `.${appFramePagePath}?view=${encodeURIComponent(viewId)}&token=${encodeURIComponent(shellToken())}`;
}
