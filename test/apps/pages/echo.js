/**
 * Echo: logs in through the client, proves the session key with its service, keeps a counter
 * (state that must survive app switching, and — saved on PrepareReload with SetArgs, read back
 * from its start arguments — a reload), sends actions, shows SetArgs, and echoes channel
 * messages back to whoever opens a channel to it.
 */
import { AppWebsocket, hooks, on, onPrepareReload, prepareReloadComplete, setArgs, setBadge, setOnOpenChannel, showApp, start } from './applib.js';
import { appPage, button, line, showLogin } from './ui.js';

const { main, status } = appPage('Echo');
const service = line(main, 'Service: not connected');
const keyCheck = line(main, 'Session key: not checked');
const args = line(main, `Args: ${JSON.stringify(start.args)}`);
on('args', (a) => args.set(`Args: ${JSON.stringify(a)}`));

// The count comes back after a reload (PrepareReload below: a move to another window, an unload).
let count = Number.parseInt(start.args.count ?? '0', 10) || 0;
const countText = line(main, `Count: ${count}`);
button(main, 'Count', () => countText.set(`Count: ${++count}`));
button(main, 'Set badge', () => setBadge(count));
button(main, 'Set args', () => setArgs({ count: String(count) }, `Echo ${count}`));
button(main, 'Go home', () => showApp('@home'));
button(main, 'Open search client', () => showApp('searchclient?q=x'));
// Nothing counted, nothing to save: the arguments the client keeps stay as they are.
onPrepareReload(() => {
  if (count > 0) setArgs({ ...start.args, count: String(count) }, `Echo ${count}`);
  prepareReloadComplete();
});

const channelText = line(main, 'Channel: none');
setOnOpenChannel(({ opener, accept }) => {
  const ch = accept();
  channelText.set(`Channel: connected to ${opener}`);
  ch.onmessage = (msg) => {
    channelText.set(`Channel: echoed ${typeof msg?.text === 'string' ? msg.text : JSON.stringify(msg)}`);
    ch.send(msg);
  };
  ch.onclosed = () => channelText.set(`Channel: closed by ${opener}`);
});

const conn = new AppWebsocket({
  onstate: showLogin(status, (c) => {
    c.send({ mt: 'WhoAmI' });
    c.send({ mt: 'CheckKey', seed: 'check', data: 'myApps', hash: c.hash('check', 'myApps') });
  }),
  onmessage: (msg) => {
    if (msg.mt === 'WhoAmIResult') service.set(`Service: ${msg.dn} (${msg.sip}@${msg.domain})`);
    else if (msg.mt === 'CheckKeyResult') keyCheck.set(msg.ok ? 'Session key: verified' : 'Session key: mismatch');
  },
});

hooks.page = { get count() { return count; }, conn };
