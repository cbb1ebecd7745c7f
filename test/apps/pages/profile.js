/**
 * Profile: the user's profile picture. Its App Object announces com.innovaphone.avatar with
 * `{filename, token, domain}`; its App Service serves the picture at that file name, only for
 * a matching `auth` (server.ts). Registers the API once logged in ("API: … registered").
 * "Change picture" → `SetPicture` to its service (which then serves the next picture,
 * "Picture: N") → `UpdateProfile` to `@client` ("Profile update: sent", then "taken" on the
 * answer, "error <text>" on a failure). Hook `page.updates`: the answers to UpdateProfile.
 */
import { AppWebsocket, consumeApi, hooks, registerApi, sendRequest } from './applib.js';
import { appPage, button, line, showLogin } from './ui.js';

const AVATAR = 'com.innovaphone.avatar';
const CLIENT = 'com.innovaphone.client';
const { main, status } = appPage('Profile');
const registered = line(main, 'API: not registered');
const picture = line(main, 'Picture: 1');
const update = line(main, 'Profile update: none');
const updates = [];

consumeApi(CLIENT);

function updateProfile() {
  update.set('Profile update: sent');
  sendRequest(CLIENT, { mt: 'UpdateProfile' }, '@client', ({ msg, errorText }) => {
    updates.push(errorText ? { errorText } : msg);
    update.set(errorText ? `Profile update: error ${errorText}` : msg?.mt === 'UpdateProfileResult' ? 'Profile update: taken' : `Profile update: ${JSON.stringify(msg)}`);
  });
}

let provider;
const conn = new AppWebsocket({
  onstate: showLogin(status, () => {
    if (provider) return;
    // The picture needs no messages (app-hosting.md §3.4); registering says the provider is up.
    provider = registerApi(AVATAR, () => {});
    registered.set(`API: ${AVATAR} registered`);
  }),
  onmessage: (msg) => {
    if (msg.mt !== 'SetPictureResult') return;
    picture.set(`Picture: ${msg.version}`);
    updateProfile();
  },
});

button(main, 'Change picture', () => conn.send({ mt: 'SetPicture' }));

hooks.page = { conn, updates };
