/**
 * The status-frame page (main/core/bridge/status-frame.ts): it frames the one status page its
 * `url` names, sandboxed, and does nothing else. The shell served this page for that URL only,
 * while the core shows it, with `frame-src` set to exactly that page's origin, so a `url` put
 * here by anyone else frames nothing; the http(s) check only keeps a `javascript:` URL from
 * ever reaching an `src`.
 */
import { statusFrameSandbox, statusFrameTitleParam, statusFrameUrlParam } from '../../../main/core/bridge/status-frame.js';
import '../appframe/appframe.css';

const params = new URLSearchParams(window.location.search);
const url = params.get(statusFrameUrlParam) ?? '';
if (/^https?:\/\//i.test(url)) {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', statusFrameSandbox);
  frame.referrerPolicy = 'no-referrer';
  frame.title = params.get(statusFrameTitleParam) ?? '';
  frame.src = url;
  document.body.append(frame);
}
