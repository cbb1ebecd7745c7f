/**
 * The Phone app's status page (`ShowStatusInfo`, phone.js): what the client shows of a call
 * while the phone is in the background. `?num=<number>&since=<ms since epoch>` → "Call with
 * <num>" and the call's duration "m:ss", ticking every second. No app library (it would post to
 * the page that frames this one): this is not an app, only a page of one, which the client
 * shows sandboxed (an opaque origin: no storage, no access to the pages around it).
 */
const params = new window.URLSearchParams(location.search);
const since = Number(params.get('since')) || Date.now();

document.documentElement.dataset.scheme = 'light';
const line = document.createElement('p');
const who = document.createElement('strong');
who.textContent = `Call with ${params.get('num') ?? ''}`;
const duration = document.createElement('span');
duration.setAttribute('aria-label', 'Duration');
line.append(who, ' ', duration);
document.body.append(line);

function tick() {
  const seconds = Math.max(0, Math.floor((Date.now() - since) / 1000));
  duration.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
tick();
setInterval(tick, 1000);
