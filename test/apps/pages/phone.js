/**
 * Phone: provides com.innovaphone.phone once logged in, with model {registered:true, calls:[]}.
 * StartCall{num|sip} adds an outgoing call, publishes the model (ApiModel) and shows
 * "Calling <num|sip>"; PrepareCall{txt} only fills in the number: "Prepared <txt>" (no call);
 * DisconnectCall{id} or "Hang up" removes calls again. Also served as `softphone` (a second
 * phone app, for choosing between two).
 */
import { AppWebsocket, hooks, registerApi } from './applib.js';
import { appPage, button, line, list, showLogin } from './ui.js';

const API = 'com.innovaphone.phone';
const { main, status } = appPage('Phone');
const registered = line(main, 'API: not registered');
const callsText = line(main, 'No calls');
const prepared = line(main, 'Nothing prepared');
const callList = list(main, 'Calls');
const model = { registered: true, calls: [] };
let provider;
let nextId = 1;

function publish() {
  callList.clear();
  for (const c of model.calls) callList.add(`Calling ${c.num ?? c.sip}`);
  callsText.set(model.calls.length ? `Calls: ${model.calls.length}` : 'No calls');
  provider?.setModel(model);
}

/** Every request as received: `{ consumer, msg }`. */
const requests = [];

function onRequest({ consumer, msg }) {
  requests.push({ consumer, msg });
  if (msg.mt === 'StartCall') {
    const call = { id: nextId++, dir: 'o', state: 'Setup' };
    if (msg.num !== undefined) call.num = String(msg.num);
    if (msg.sip !== undefined) call.sip = String(msg.sip);
    if (call.num === undefined && call.sip === undefined) call.num = String(msg.txt ?? '');
    model.calls.push(call);
    publish();
  } else if (msg.mt === 'PrepareCall') {
    prepared.set(`Prepared ${String(msg.txt ?? msg.num ?? msg.sip ?? '')}`);
  } else if (msg.mt === 'DisconnectCall') {
    // Without an id: every call.
    model.calls = msg.id === undefined ? [] : model.calls.filter((c) => c.id !== msg.id);
    publish();
  }
}

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
