/**
 * DOM helpers shared by the sample app pages: text nodes only (never innerHTML), accessible
 * names on every control, and the common header (heading, login status, name/title, lang/scheme).
 */
import { hooks, on, start } from './applib.js';

/** `el('button', { type: 'button' }, 'Count')`: attributes as given, children as text nodes or elements. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, String(v));
  for (const c of children) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

/** A paragraph whose whole text is replaced by `set(text)`. */
export function line(parent, initial = '', attrs = {}) {
  const p = el('p', attrs, initial);
  parent.append(p);
  return { node: p, set: (text) => (p.textContent = text) };
}

export function button(parent, label, onClick) {
  const b = el('button', { type: 'button' }, label);
  b.addEventListener('click', onClick);
  parent.append(b);
  return b;
}

/** An input with a visible label; `role` follows the type (search → searchbox, text → textbox). */
export function input(parent, label, { type = 'text', value = '' } = {}) {
  const id = `in-${label.toLowerCase().replace(/\W+/g, '-')}`;
  const field = el('input', { id, type, value });
  parent.append(el('p', {}, el('label', { for: id }, label), ' ', field));
  return field;
}

export function list(parent, label) {
  const ul = el('ul', { 'aria-label': label });
  parent.append(ul);
  return {
    node: ul,
    add: (text) => ul.append(el('li', {}, text)),
    clear: () => ul.replaceChildren(),
  };
}

function applyScheme() {
  document.documentElement.dataset.scheme = start.scheme === 'light' ? 'light' : 'dark';
  if (start.lang) document.documentElement.lang = start.lang;
}

/**
 * The page skeleton: <main> with an <h1>, a role="status" login line, "Name: …", "Title: …",
 * "Language: xx", "Scheme: …" (updated by SetLang/SetScheme). Returns `{ main, status }`.
 */
export function appPage(heading) {
  applyScheme();
  const main = el('main', {}, el('h1', {}, heading));
  document.body.append(main);
  const status = line(main, 'Starting', { role: 'status', id: 'login-status' });
  line(main, `Name: ${start.name ?? ''}`);
  line(main, `Title: ${start.title ?? ''}`);
  const lang = line(main, `Language: ${start.lang}`);
  const scheme = line(main, `Scheme: ${start.scheme}`);
  on('lang', (v) => {
    lang.set(`Language: ${v}`);
    applyScheme();
  });
  on('scheme', (v) => {
    scheme.set(`Scheme: ${v}`);
    applyScheme();
  });
  return { main, status };
}

const PROGRESS = { connecting: 'Connecting', challenge: 'Connecting', getlogin: 'Logging in', login: 'Logging in' };

/**
 * Login status texts: "Logged in as <dn> (<sip>)", "Login failed: <reason>",
 * "This app must run inside myApps", "Connection lost, reconnecting". Progress texts
 * ("Connecting", "Logging in") show only until the first outcome, so a failure stays visible
 * while the library retries.
 */
export function showLogin(status, onConnected) {
  let outcome = false;
  return (state, detail) => {
    hooks.loginState = state;
    const conn = hooks.connection;
    if (PROGRESS[state]) {
      if (!outcome) status.set(PROGRESS[state]);
      return;
    }
    outcome = true;
    if (state === 'connected') {
      status.set(`Logged in as ${conn.login.dn} (${conn.login.sip})`);
      onConnected?.(conn);
    } else if (state === 'failed' || state === 'refused') status.set(`Login failed: ${detail}`);
    else if (state === 'toplevel') status.set(detail);
    else if (state === 'closed') status.set('Connection lost, reconnecting');
  };
}
