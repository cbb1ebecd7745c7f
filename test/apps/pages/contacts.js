/**
 * Contacts: a company directory that provides com.innovaphone.search the way a real directory
 * app does — some results at once, the rest when its App Service has answered. For
 * Search{search} (case- and accent-insensitive, in name, SIP name, number and e-mail of the
 * entries this app lists) it answers the first match at once as SearchInfo, then asks its
 * service (`Lookup{search}`; tests hold the answer back: `hold(name, 'Lookup')`) and, on
 * `LookupResult`, answers the other matches and SearchResult — all on the request's src. A
 * search that finds an entry marked `stall` never completes (no SearchResult); an entry marked
 * `bad` is sent malformed (`contact` a string). Each SearchInfo links to this app
 * (`<name>?id=<id>`), Anna's has a photo (`photourl: "anna.png"`, relative to the App URL, which
 * the sample server answers with a PNG); opened with args `id` the page shows "Showing <dn>". Served as `contacts`
 * and as `directory` (a second directory, often hidden), each listing the entries for its name.
 */
import { AppWebsocket, hooks, on, registerApi, start } from './applib.js';
import { appPage, line, showLogin } from './ui.js';

const API = 'com.innovaphone.search';

/** `in`: the App Object names that list the entry (all when absent). */
const entries = [
  { id: 'anna', guid: 'a0000000000000000000000000000001', dn: 'Anna Kaiser', sip: 'anna', num: '+49 30 5550101', email: 'anna.kaiser@example.com', photo: 'anna.png' },
  { id: 'andreas', guid: 'a0000000000000000000000000000002', dn: 'Andreas Brandt', sip: 'andreas', num: '+49 30 5550102', in: ['contacts'] },
  { id: 'hannah', guid: 'a0000000000000000000000000000003', dn: 'Hannah Lang', sip: 'hannah', num: '230', in: ['directory'] },
  { id: 'jan', guid: 'a0000000000000000000000000000004', dn: 'Jan Anders', sip: 'jan', in: ['directory'] },
  { id: 'bea', guid: 'a0000000000000000000000000000005', dn: 'Bea Berger', sip: 'bea', num: '240', in: ['contacts'] },
  { id: 'ben', guid: 'a0000000000000000000000000000006', dn: 'Ben Becker', sip: 'ben', in: ['contacts'] },
  { id: 'broken', dn: 'Bea Broken', bad: true, in: ['directory'] },
  { id: 'bert', guid: 'a0000000000000000000000000000008', dn: 'Bert Behrens', sip: 'bert', in: ['directory'] },
  { id: 'neville', guid: 'a0000000000000000000000000000009', dn: 'Neville Stall', sip: 'neville', stall: true, in: ['contacts'] },
];
const mine = entries.filter((e) => !e.in || e.in.includes(start.name));

const { main, status } = appPage('Contacts');
const registered = line(main, 'API: not registered');
const showing = line(main, 'No contact shown');
const lastSearch = line(main, 'Last search: none');
const answered = line(main, 'Searches answered: 0');
let count = 0;

const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function info(e) {
  if (e.bad) return { mt: 'SearchInfo', type: 'contact', dn: e.dn, contact: e.id };
  const contact = { sip: e.sip };
  if (e.num) contact.num = e.num;
  if (e.email) contact.email = e.email;
  return { mt: 'SearchInfo', type: 'contact', guid: e.guid, dn: e.dn, link: `${start.name}?id=${e.id}`, contact, ...(e.photo && { photourl: e.photo }) };
}

/** Searches waiting for the service's LookupResult: search text → replies to finish. */
const waiting = new Map();

function answer({ consumer, msg }, reply) {
  if (msg.mt !== 'Search') {
    reply({ mt: `${msg.mt}Result`, error: true, errorText: 'unknown request' });
    return;
  }
  const q = fold(String(msg.search ?? ''));
  lastSearch.set(`Last search: ${msg.search} (from ${consumer})`);
  const found = mine.filter((e) => [e.dn, e.sip, e.num, e.email].some((f) => f && fold(f).includes(q)));
  if (found.length === 0) return done(reply);
  reply(info(found[0]));
  if (found.some((e) => e.stall)) return; // never completes
  const rest = () => {
    for (const e of found.slice(1)) reply(info(e));
    done(reply);
  };
  // "The rest later": its service answers Lookup (a test may hold that answer back).
  const key = String(msg.search);
  if (!waiting.has(key)) waiting.set(key, []);
  waiting.get(key).push(rest);
  conn.send({ mt: 'Lookup', search: key });
}

function done(reply) {
  reply({ mt: 'SearchResult' });
  answered.set(`Searches answered: ${++count}`);
}

function show(args) {
  const e = entries.find((x) => x.id === args?.id);
  showing.set(e ? `Showing ${e.dn}` : 'No contact shown');
}
show(start.args);
on('args', show);

let provider;
const conn = new AppWebsocket({
  onstate: showLogin(status, () => {
    if (provider) return;
    provider = registerApi(API, answer);
    registered.set(`API: ${API} registered`);
  }),
  onmessage: (m) => {
    if (m.mt !== 'LookupResult') return;
    const list = waiting.get(String(m.search)) ?? [];
    const next = list.shift();
    if (list.length === 0) waiting.delete(String(m.search));
    next?.();
  },
});

hooks.page = {
  conn,
  get answered() {
    return count;
  },
};
