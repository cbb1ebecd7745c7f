/**
 * Search: a (usually hidden) provider of com.innovaphone.search. Logs in first, then registers
 * the API; answers Search{search} with two SearchInfo results and a final SearchResult, all with
 * the request's src; reports ApiConsumerClosed to its own service as ConsumerClosed{api, consumer}.
 */
import { AppWebsocket, hooks, onConsumerClosed, registerApi } from './applib.js';
import { appPage, line, list, showLogin } from './ui.js';

const API = 'com.innovaphone.search';
const { main, status } = appPage('Search provider');
const registered = line(main, 'API: not registered');
const lastSearch = line(main, 'Last search: none');
const answered = line(main, 'Requests answered: 0');
const closedList = list(main, 'Closed consumers');
let count = 0;

const guid = (n, q) => Array.from(`${n}:${q}`, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('').padEnd(32, '0').slice(0, 32);

function answer({ consumer, msg }, reply) {
  if (msg.mt !== 'Search') {
    reply({ mt: `${msg.mt}Result`, error: true, errorText: 'unknown request' });
    return;
  }
  const q = String(msg.search ?? '');
  lastSearch.set(`Last search: ${q} (from ${consumer})`);
  for (const n of [1, 2]) {
    const dn = `Result ${n} for ${q}`;
    reply({ mt: 'SearchInfo', type: msg.type ?? 'contact', guid: guid(n, q), dn, link: `search?id=${n}`, contact: { sip: `result${n}`, num: `30${n}`, email: `result${n}@example.com` } });
  }
  reply({ mt: 'SearchResult' });
  answered.set(`Requests answered: ${++count}`);
}

let provider;
const conn = new AppWebsocket({
  onstate: showLogin(status, () => {
    if (provider) return;
    provider = registerApi(API, answer);
    registered.set(`API: ${API} registered`);
  }),
});

onConsumerClosed(({ api, consumer }) => {
  closedList.add(`Consumer closed: ${consumer}`);
  conn.send({ mt: 'ConsumerClosed', api, consumer });
});

hooks.page = { conn, get answered() { return count; } };
