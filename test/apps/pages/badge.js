/**
 * Badge: "Increment" sets the app badge (Action SetBadge). Consumes com.innovaphone.client and
 * subscribes the presence of `bob` (or args.sip) at provider "@client" once an ApiUpdate lists
 * @client (or on "Subscribe presence"), showing PresenceUpdated as "bob: busy — note".
 * Consumes com.innovaphone.launcher: "Notify" sends AddLocalNotification to provider "*",
 * "Notify call" one of type PhoneCall (accept / reject, reject titled "Decline", with an icon),
 * "Notify message" one of type ChatMessage (reply); "Remove notification" RemoveLocalNotification
 * with the src of the last one; a LocalNotificationClicked result shows
 * "Notification clicked: <action>" ("default" for an empty action), with " — <replyText>".
 */
import { AppWebsocket, apiSrc, consumeApi, endRequest, hooks, sendRequest, setBadge, start } from './applib.js';
import { appPage, button, line, showLogin } from './ui.js';

const CLIENT = 'com.innovaphone.client';
const LAUNCHER = 'com.innovaphone.launcher';
const { main, status } = appPage('Badge');

let badge = 0;
const badgeText = line(main, 'Badge: 0');
button(main, 'Increment', () => {
  badge++;
  badgeText.set(`Badge: ${badge}`);
  setBadge(badge);
});

// --- presence through the client ----------------------------------------------------------------
const who = typeof start.args.sip === 'string' ? start.args.sip : 'bob';
const presenceText = line(main, `${who}: no presence yet`);
const updates = [];
let presenceSrc;

function showPresence(msg) {
  updates.push(msg);
  const list = Array.isArray(msg.presence) ? msg.presence : [];
  const tel = list.find((p) => p?.contact === 'tel:') ?? list[0];
  const activity = tel ? tel.activity || 'available' : msg.up === false ? 'offline' : 'unknown';
  const note = tel ? (tel.displayNote ?? tel.note ?? '') : '';
  presenceText.set(`${msg.sip ?? who}: ${activity}${note ? ` — ${note}` : ''}`);
}

function subscribePresence() {
  if (presenceSrc) endRequest(presenceSrc);
  presenceSrc = sendRequest(CLIENT, { mt: 'SubscribePresence', sip: who }, '@client', ({ msg, errorText }) => {
    if (errorText) presenceText.set(`${who}: error ${errorText}`);
    else if (msg.mt === 'PresenceUpdated') showPresence(msg);
  });
}

const client = consumeApi(CLIENT);
client.onupdate((c) => {
  if (!presenceSrc && c.providers.includes('@client')) subscribePresence();
});
button(main, 'Subscribe presence', () => subscribePresence());

// --- local notifications through the launcher ---------------------------------------------------
consumeApi(LAUNCHER);
const notification = line(main, 'Notification: none');
let notify;
/** One notification on a src of its own, so several can be shown at once. */
function sendNotification(msg) {
  notify = apiSrc(LAUNCHER, ({ msg: answer, errorText }) => {
    if (errorText) notification.set(`Notification error: ${errorText}`);
    else if (answer.mt === 'LocalNotificationClicked') notification.set(`Notification clicked: ${answer.action || 'default'}${answer.replyText !== undefined ? ` — ${answer.replyText}` : ''}`);
  });
  notify.send({ mt: 'AddLocalNotification', ...msg }, '*');
  notification.set('Notification: sent');
}
button(main, 'Notify', () => sendNotification({ type: 'Default', title: 'Hello', text: 'From the badge app' }));
button(main, 'Notify call', () => sendNotification({ type: 'PhoneCall', title: 'Call from Bob', text: '+49 30 5678', rejectTitle: 'Decline', largeIcon: 'call.png' }));
button(main, 'Notify message', () => sendNotification({ type: 'ChatMessage', title: 'Message from Bob', text: 'Lunch at noon?' }));
button(main, 'Remove notification', () => {
  if (!notify) return;
  // The launcher identifies a notification by the src it was added with.
  notify.send({ mt: 'RemoveLocalNotification' }, '*');
  notification.set('Notification: removed');
});

const conn = new AppWebsocket({ onstate: showLogin(status) });

hooks.page = { conn, presenceUpdates: updates, get badge() { return badge; } };
