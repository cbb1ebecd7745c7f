/**
 * Phone: provides com.innovaphone.phone once logged in, with model {registered:true, calls:[]}.
 * StartCall{num|sip} adds an outgoing call, publishes the model (ApiModel) and shows
 * "Calling <num|sip>"; PrepareCall{txt} only fills in the number: "Prepared <txt>" (no call);
 * DisconnectCall{id} or "Hang up" removes calls again. Also served as `softphone` (a second
 * phone app, for choosing between two).
 * Each call is shown by the client while the phone is in the background: `ShowStatusInfo` to
 * @client with its page beside this one (`phone-status.htm?num=<num>&since=<ms>`, phonestatus.js)
 * and id `call-<id>`; a call that ends sends `CloseStatusInfo{id}`. "Start call" calls the
 * number in the "Number" box; "Status info: shown" / "Status info: refused: <error>" say how the
 * last one went.
 */
import { AppWebsocket, endRequest, hooks, registerApi, sendRequest } from './applib.js';
import { appPage, button, input, line, list, showLogin } from './ui.js';

const API = 'com.innovaphone.phone';
const CLIENT = 'com.innovaphone.client';
const { main, status } = appPage('Phone');
const registered = line(main, 'API: not registered');
const callsText = line(main, 'No calls');
const prepared = line(main, 'Nothing prepared');
const callList = list(main, 'Calls');
const model = { registered: true, calls: [] };
let provider;
let nextId = 1;

const statusInfo = line(main, 'Status info: none');
/** Ids of the calls the client was asked to show (`call-<id>`). */
const statusShown = new Set();

/** Every call shown as a status page while the phone is in the background; ended ones closed. */
function syncStatusInfos() {
  const ids = new Set(model.calls.map((c) => `call-${c.id}`));
  for (const id of [...statusShown]) {
    if (ids.has(id)) continue;
    statusShown.delete(id);
    sendRequest(CLIENT, { mt: 'CloseStatusInfo', id }, '@client');
  }
  for (const c of model.calls) {
    const id = `call-${c.id}`;
    if (statusShown.has(id)) continue;
    statusShown.add(id);
    const url = `phone-status.htm?num=${encodeURIComponent(c.num ?? c.sip ?? '')}&since=${c.since}`;
    const src = sendRequest(CLIENT, { mt: 'ShowStatusInfo', url, id }, '@client', ({ msg }) => {
      endRequest(src);
      statusInfo.set(msg?.error ? `Status info: refused: ${msg.error}` : 'Status info: shown');
    });
  }
}

function publish() {
  syncStatusInfos();
  callList.clear();
  for (const c of model.calls) callList.add(`Calling ${c.num ?? c.sip}`);
  callsText.set(model.calls.length ? `Calls: ${model.calls.length}` : 'No calls');
  provider?.setModel(model);
}

/** Every request as received: `{ consumer, msg }`. */
const requests = [];

/** A new outgoing call (`since`: when it started, for the status page's timer; not in the API model). */
function startCall({ num, sip, txt }) {
  const call = { id: nextId++, dir: 'o', state: 'Setup' };
  if (num !== undefined) call.num = String(num);
  if (sip !== undefined) call.sip = String(sip);
  if (call.num === undefined && call.sip === undefined) call.num = String(txt ?? '');
  Object.defineProperty(call, 'since', { value: Date.now(), enumerable: false });
  model.calls.push(call);
  publish();
}

function onRequest({ consumer, msg }) {
  requests.push({ consumer, msg });
  if (msg.mt === 'StartCall') {
    startCall(msg);
  } else if (msg.mt === 'PrepareCall') {
    prepared.set(`Prepared ${String(msg.txt ?? msg.num ?? msg.sip ?? '')}`);
  } else if (msg.mt === 'DisconnectCall') {
    // Without an id: every call.
    model.calls = msg.id === undefined ? [] : model.calls.filter((c) => c.id !== msg.id);
    publish();
  }
}

const number = input(main, 'Number', { value: '+49 30 1234' });
button(main, 'Start call', () => startCall({ num: number.value }));
button(main, 'Hang up', () => {
  model.calls = [];
  publish();
});

const conn = new AppWebsocket({
  onstate: showLogin(status, () => {
    if (provider) return;
    provider = registerApi(API, onRequest);
    provider.setModel(model);
    registered.set(`API: ${API} registered`);
  }),
});

hooks.page = { conn, model, requests };
