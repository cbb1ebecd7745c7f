/**
 * Channel: "Open channel" opens a channel to the app named in "Destination" (default `echo`, or
 * args.dst); "Send" posts the "Message" text as ChannelMessage{msg:{text}}; received messages are
 * listed as "Received: <text>". Incoming channels are accepted and their messages echoed back.
 */
import { AppWebsocket, hooks, openChannel, setOnOpenChannel, start } from './applib.js';
import { appPage, button, input, line, list, showLogin } from './ui.js';

const { main, status } = appPage('Channel');
const dst = input(main, 'Destination', { value: typeof start.args.dst === 'string' ? start.args.dst : 'echo' });
const text = input(main, 'Message', { value: 'hello' });
const state = line(main, 'Channel: idle');
const received = list(main, 'Received messages');
const show = (msg) => (typeof msg?.text === 'string' ? msg.text : JSON.stringify(msg));

let ch;
button(main, 'Open channel', () => {
  ch?.close();
  const target = dst.value;
  state.set(`Channel: opening to ${target}`);
  ch = openChannel(target, { from: start.name });
  ch.onconnected = () => state.set(`Channel: connected to ${target}`);
  ch.onclosed = (c) => state.set(c.channel === undefined ? `Channel: rejected by ${target}` : `Channel: closed by ${target}`);
  ch.onmessage = (msg) => received.add(`Received: ${show(msg)}`);
});
button(main, 'Send', () => ch?.send({ text: text.value }));
button(main, 'Close channel', () => {
  ch?.close();
  state.set('Channel: closed');
});

const incoming = line(main, 'Incoming: none');
setOnOpenChannel(({ opener, accept }) => {
  const c = accept();
  incoming.set(`Incoming: connected to ${opener}`);
  c.onmessage = (msg) => {
    received.add(`Received: ${show(msg)}`);
    c.send(msg);
  };
  c.onclosed = () => incoming.set(`Incoming: closed by ${opener}`);
});

const conn = new AppWebsocket({ onstate: showLogin(status) });

hooks.page = { conn, get channel() { return ch; } };
