/**
 * The `Login` message an app receives in answer to its `getLogin` (`app-hosting.md` §2.2):
 * the fields of `AppGetLoginResult` with `mt` replaced, our `src` removed, and `info`
 * spliced in exactly as the PBX ordered it — the app library re-serialises `info` for the
 * App Service's digest check, so its member order must survive the relay.
 */
import type { AppGetLoginAnswer } from '../pbx/session.js';

export function loginMessageJson({ result, infoJson }: AppGetLoginAnswer): string {
  const { mt: _mt, src: _src, info, ...fields } = result;
  const head = JSON.stringify({ mt: 'Login', ...fields });
  if (info === undefined) return head;
  const infoText = infoJson ?? JSON.stringify(info);
  return head === '{}' ? `{"info":${infoText}}` : `${head.slice(0, -1)},"info":${infoText}}`;
}
