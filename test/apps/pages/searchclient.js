/**
 * Search client: consumes com.innovaphone.search. "Search" sends Search{type:"contact", search}
 * to provider "*" and lists every result as "<provider>: <dn>"; "Complete: …" names the providers
 * whose SearchResult arrived. An app link `searchclient?q=x` (or SetArgs{args:{q}}) fills the box
 * and searches at once.
 */
import { AppWebsocket, consumeApi, hooks, on, sendRequest, start } from './applib.js';
import { appPage, button, input, line, list, showLogin } from './ui.js';

const API = 'com.innovaphone.search';
const { main, status } = appPage('Search client');
const query = input(main, 'Query', { type: 'search', value: start.args.q ?? '' });
button(main, 'Search', () => search());
const providersText = line(main, 'Providers: none');
const defaultText = line(main, 'Default provider: none');
const progress = line(main, 'No search yet');
const results = list(main, 'Results');

let consumer;
function consume() {
  if (consumer) return consumer;
  consumer = consumeApi(API);
  const show = (c) => {
    providersText.set(`Providers: ${c.providers.length ? c.providers.join(', ') : 'none'}`);
    defaultText.set(`Default provider: ${c.defaultProvider ?? 'none'}`);
  };
  consumer.onupdate(show);
  show(consumer);
  return consumer;
}

// The providers list also follows ApiUpdates that arrive before the first search.
on('apiupdate', (apis, defaults) => {
  if (consumer) return;
  const names = Object.keys(apis?.[API] ?? {});
  providersText.set(`Providers: ${names.length ? names.join(', ') : 'none'}`);
  defaultText.set(`Default provider: ${defaults?.[API] ?? 'none'}`);
});

function search() {
  consume();
  const q = query.value;
  results.clear();
  const complete = [];
  progress.set(`Searching for ${q}`);
  sendRequest(API, { mt: 'Search', type: 'contact', search: q }, '*', ({ provider, msg, errorText }) => {
    if (errorText) results.add(`${provider ?? '?'}: error ${errorText}`);
    else if (msg.mt === 'SearchInfo') results.add(`${provider}: ${msg.dn}`);
    else if (msg.mt === 'SearchResult') {
      complete.push(provider);
      progress.set(`Complete: ${complete.join(', ')}`);
    }
  });
}

function fromArgs(args) {
  if (typeof args?.q !== 'string') return;
  query.value = args.q;
  search();
}
on('args', fromArgs);

const conn = new AppWebsocket({ onstate: showLogin(status) });
fromArgs(start.args);

hooks.page = { conn, search };
