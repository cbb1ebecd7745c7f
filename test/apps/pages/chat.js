/**
 * Chat: provides com.innovaphone.chat once logged in. StartChat{sip, dn} opens a chat with that
 * person: "Chat with <dn>" (the SIP name when there is no dn), listed under "Chats" as
 * "<dn> (<sip>)". Hook `page.requests`: every `{consumer, msg}` received.
 */
import { AppWebsocket, hooks, registerApi } from './applib.js';
import { appPage, line, list, showLogin } from './ui.js';

const API = 'com.innovaphone.chat';
const { main, status } = appPage('Chat');
const registered = line(main, 'API: not registered');
const current = line(main, 'No chat open');
const chats = list(main, 'Chats');

/** Every request as received: `{ consumer, msg }`. */
const requests = [];

function onRequest({ consumer, msg }) {
  requests.push({ consumer, msg });
  if (msg.mt !== 'StartChat' || typeof msg.sip !== 'string') return;
  const name = typeof msg.dn === 'string' && msg.dn ? msg.dn : msg.sip;
  current.set(`Chat with ${name}`);
  chats.add(`${name} (${msg.sip})`);
}

let provider;
const conn = new AppWebsocket({
  onstate: showLogin(status, () => {
    if (provider) return;
    provider = registerApi(API, onRequest);
    registered.set(`API: ${API} registered`);
  }),
});

hooks.page = { conn, requests };
