/** The emulator configuration the session integration tests run against. */
import type { EmulatorConfig } from '../pbx/index.js';

export const APP_URL_BASE = 'http://127.0.0.1:9/apps';

export function sessionTestConfig(): EmulatorConfig {
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [
      {
        sip: 'alice',
        password: 'Secret123!',
        dn: 'Alice Example',
        cn: 'Alice Example',
        num: '201',
        email: 'alice@example.com',
        apps: ['contacts', 'myapp~admin~debug', 'search', 'website', 'badger'],
        groups: ['sales'],
        home: 'contacts,badger',
      },
      { sip: 'bob', password: 'bobpass', dn: 'Bob Builder', apps: ['contacts'], twoFactor: true },
      { sip: 'carol', password: 'carolpass', dn: 'Carol', apps: ['contacts'] },
    ],
    appObjects: [
      { name: 'contacts', title: 'Contacts', description: 'Address book', password: 'apppwd', url: `${APP_URL_BASE}/contacts/innovaphone-contacts` },
      { name: 'myapp', title: 'My App', password: 'app-secret', url: `${APP_URL_BASE}/myapp/innovaphone-myapp`, modes: ['admin', 'debug', 'audit'] },
      { name: 'search', title: 'Search', password: 'searchpwd', url: `${APP_URL_BASE}/search/searchapi`, hidden: true, apis: { 'com.innovaphone.search': {} } },
      { name: 'website', title: 'Website', password: 'x', url: 'https://www.example.com/', website: true },
      { name: 'badger', title: 'Badger', password: 'badgerpwd', url: `${APP_URL_BASE}/badger/badger`, presence: true, badge: 3 },
      { name: 'secret', title: 'Not for Alice', password: 'secretpwd', url: `${APP_URL_BASE}/secret/secret` },
    ],
  } as EmulatorConfig;
}
