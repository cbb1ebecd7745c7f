/**
 * UI strings. Every text the renderer shows itself comes from a table here, so adding a
 * language is a data change: add a table (it may be partial; missing keys fall back to
 * English) and list it in `tables`. Text from the PBX and from apps is never translated.
 */
import { Fragment, createContext, createElement, useContext, type ReactNode } from 'react';

const en = {
  'app.name': 'myApps',
  'nav.label': 'Main',
  'nav.home': 'Home',
  'nav.security': 'Account security',
  'nav.settings': 'Settings',

  'bridge.connecting': 'Connecting to the myApps core…',
  'bridge.lost': 'Connection to the myApps core lost.',
  'bridge.retrying': 'Retrying…',

  'status.offline': 'Offline',
  'status.connecting': 'Connecting to {host}…',
  'status.redirected': 'Connecting to your home PBX {host}…',
  'status.authenticating': 'Logging in…',
  'status.awaiting2fa': 'Waiting for confirmation on another device…',
  'status.connected': 'Connected to {host}',
  'status.standby': '(standby PBX)',
  'status.reconnectingIn': 'Reconnecting in {seconds} s (attempt {attempt})',
  'status.reconnectingNow': 'Reconnecting now (attempt {attempt})',
  'status.error': 'Offline — {problem}',

  'problem.unreachable': 'PBX unreachable',
  'problem.certificate-untrusted': 'certificate not trusted',
  'problem.proxy-auth-required': 'the proxy needs a user name and password',
  'problem.auth-failed': 'login failed',
  'problem.session-expired': 'session expired',
  'problem.login-rejected': 'login rejected',
  'problem.forged-digest': 'login could not be verified',
  'problem.redirect-loop': 'redirect loop',
  'problem.credentials-required': 'password needed',
  'problem.bad-address': 'invalid PBX address',
  'problem.protocol': 'the PBX did not answer as expected',
  'problem.internal': 'internal error',

  'error.unreachable': 'The PBX could not be reached.',
  'error.unreachable.hint': 'Check the PBX address and your network connection, then try again.',
  'error.certificate-untrusted': 'The PBX certificate is not trusted.',
  'error.certificate-untrusted.hint': 'Compare this fingerprint with the one your PBX administrator sees (Administration → Certificates). Trust it only if they match.',
  'error.proxy-auth-required': 'The proxy needs a user name and password.',
  'error.auth-failed': 'Wrong username or password.',
  'error.session-expired': 'Your session has expired. Please log in again.',
  'error.login-rejected': 'The PBX rejected the login.',
  'error.forged-digest': 'The answer of the PBX could not be verified. The address may not point to your PBX, or something between you and the PBX changed the login.',
  'error.redirect-loop': 'The PBX kept redirecting the login. Please contact your IT department.',
  'error.credentials-required': 'Please enter your password to log in.',
  'error.bad-address': 'This PBX address is not valid.',
  'error.bad-address.hint': 'Enter a host name such as pbx.example.com or a URL.',
  'error.protocol': 'The PBX did not answer as expected. Please try again.',
  'error.internal': 'Something went wrong inside myApps.',
  'error.details': 'Details: {message}',

  'login.heading': 'Log in to myApps',
  'login.pbx': 'PBX',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.stay': 'Stay logged in',
  'login.stayUnavailable': 'Your system keychain is not available, so you will have to log in again after a restart.',
  'login.usernamePattern': 'Required format: {pattern}',
  'login.submit': 'Log in',
  'login.cancel': 'Cancel',
  'login.progress': 'Login progress',
  'login.step.connect': 'Connect',
  'login.step.authenticate': 'Log in',
  'login.step.confirm': 'Confirm',
  'login.2fa': 'Confirm this login on another device: code {code}',
  'login.trust': 'Trust this certificate',
  'login.fingerprint': 'SHA-256 fingerprint',
  'login.remoteLogout': 'You were logged out from another device.',
  'login.proxy.heading': 'The proxy {proxy} needs a user name and password.',
  'login.proxy.realm': 'It asks for the login of “{realm}”.',
  'login.proxy.refused': 'The proxy did not accept this user name and password. Please try again.',
  'login.proxy.username': 'Proxy user name',
  'login.proxy.password': 'Proxy password',
  'login.proxy.hint': 'From your network administrator. myApps keeps them only until you quit.',
  'login.proxy.submit': 'Continue',

  'lock.it': 'Set by your IT department',

  'home.heading': 'Home',
  'home.search': 'Search apps',
  'home.searchPlaceholder': 'Search apps (Ctrl+K)',
  'home.fromCache': 'Showing saved apps — they may be out of date.',
  'home.loading': 'Loading apps…',
  'home.empty': 'Nothing on your home screen yet. Use “Edit home” to pin apps here.',
  'home.all': 'All apps',
  'home.noApps': 'The PBX has not given you any apps yet.',
  'home.noMatch': 'No apps match “{query}”.',
  'home.matches.one': '{count} app matches',
  'home.matches.other': '{count} apps match',
  'home.edit': 'Edit home',
  'home.done': 'Done',
  'home.cancelEdit': 'Cancel',
  'home.editHint': 'Pin the apps you want on your home screen, then choose Done.',
  'home.pin': 'Pin {title}',

  'tile.badge': '{count} new',

  'apps.label': 'Running apps',
  'apps.home': 'Home screen',
  'apps.close': 'Close {title}',
  'apps.starting': 'loading',
  'apps.failedShort': 'could not be loaded',
  'apps.unloadedShort': 'unloaded to save memory; opens again when you choose it',
  'apps.loading': 'Loading {title}…',
  'apps.failed': '{title} could not be loaded',
  'apps.retry': 'Retry',
  'apps.reload': 'Reload',
  'apps.devTools': 'Open DevTools',
  'apps.devToolsHeading': 'DevTools for {title}',
  'apps.devToolsOpen': 'Open your browser’s DevTools: F12, or Ctrl+Shift+I (Cmd+Option+I on a Mac).',
  'apps.devToolsContext': 'In the Console, open the JavaScript context menu at the top (it says “top”) and choose the frame of {title}. Its messages and errors are shown there.',
  'apps.devToolsElements': 'In the Elements panel, the app is the iframe titled “{title}” inside its app-frame page.',
  'apps.devToolsClose': 'Close',
  'apps.permissions': 'Permissions',
  'apps.permissionsDialog': 'Permissions of {title}',
  'apps.permissionsHint': 'An app may not be able to ask for these itself. If it needs one, allow it here.',
  'apps.permissionsAllowed': 'Allowed',
  'apps.permissionsNotAllowed': 'Not allowed',
  'apps.permissionsDenied': 'Refused by you — change it in Settings',
  'apps.permissionsBlocked': 'Blocked by your IT department',
  'apps.permissionsAsk': 'Allow {permissions}…',
  'apps.permissionsAskScreen': 'Allow screen sharing…',

  'permission.microphone': 'microphone',
  'permission.camera': 'camera',
  'permission.screen': 'screen',
  'permission.microphone.label': 'Microphone',
  'permission.camera.label': 'Camera',
  'permission.screen.label': 'Screen sharing',

  'permissionPrompt.text': '“{title}” wants to use your {permissions}.',
  'permissionPrompt.remembered': 'Your answer is remembered for this app. You can change it in Settings, under App permissions.',
  'permissionPrompt.allow': 'Allow',
  'permissionPrompt.deny': 'Don’t allow',

  'notifications.label': 'Notifications',
  'notifications.open': 'Open',
  'notifications.dismiss': 'Dismiss',

  'presence.available': 'available',
  'presence.away': 'away',
  'presence.busy': 'busy',
  'presence.dnd': 'do not disturb',
  'presence.offline': 'offline',
  'presence.unknown': 'presence unknown',

  'own.available': 'Available',
  'own.away': 'Away',
  'own.busy': 'Busy',
  'own.dnd': 'Do not disturb',
  'own.dialog': 'Your presence',
  'own.legend': 'Presence',
  'own.note': 'Note',
  'own.saveNote': 'Save note',

  'security.heading': 'Account security',
  'security.loggedInAs': 'Logged in as {user} on {host}',
  'security.sessions': 'Your sessions',
  'security.noSessions': 'No sessions to show yet.',
  'security.thisDevice': 'This device',
  'security.unknownDevice': 'Unknown device',
  'security.unknownTime': 'Time unknown',
  'security.pending': 'Waiting for approval — code {code}',
  'security.authorize': 'Authorize',
  'security.delete': 'Delete',
  'security.logoutOther': 'Log out this device',
  'security.logout': 'Log out',

  'settings.heading': 'Settings',
  'settings.general': 'General',
  'settings.language': 'Language',
  'settings.languageAuto': 'Automatic (system language)',
  'settings.scheme': 'Scheme',
  'settings.scheme.light': 'Light',
  'settings.scheme.dark': 'Dark',
  'settings.scheme.system': 'Follow system',
  'settings.startup': 'Start-up',
  'settings.startMinimized': 'Start minimised',
  'settings.autostart': 'Start automatically when I log in to my computer',
  'settings.developer': 'Developers',
  'settings.developerMode': 'Developer mode',
  'settings.appDevTools': 'App DevTools',
  'settings.appDevToolsHint': 'Takes effect only with developer mode on.',
  'settings.notifications': 'Mute notifications',
  'settings.notificationsHint': 'Apps whose notifications you do not want to see.',
  'settings.noApps': 'Your apps appear here once you are logged in.',
  'settings.desktopNotifications': 'Desktop notifications',
  'settings.desktopNotificationsHint': 'Show app notifications as system notifications too, also while this window is in the background.',
  'settings.desktopNotificationsEnable': 'Enable desktop notifications',
  'settings.desktopNotificationsOn': 'Desktop notifications are on.',
  'settings.desktopNotificationsBlocked': 'Notifications are blocked for this page. Allow them in your browser’s site settings.',
  'settings.desktopNotificationsUnsupported': 'This browser cannot show desktop notifications.',
  'settings.appPermissions': 'App permissions',
  'settings.appPermissionsHint': 'What you allowed or denied apps, and what your IT department decided. Forget an answer and the app asks again.',
  'settings.appPermissionsNone': 'No app has asked to use your microphone, camera or screen yet.',
  'settings.permissionGranted': 'Allowed',
  'settings.permissionDenied': 'Denied',
  'settings.permissionForget': 'Forget',
  'settings.permissionForgetLabel': 'Forget {permission} for {app}',

  'notices.label': 'Notices',
  'notices.dismiss': 'Dismiss',

  // ---- desktop citizen: window title badge, provider chooser, notification actions, Settings
  // (calls, default apps, updates). One block, so other features' strings merge around it. ----
  'app.titleWithBadge': '({count}) {name}',

  'providerPrompt.question': 'Which app?',
  'providerPrompt.remember.phone': 'Always use this app for calls',
  'providerPrompt.remember.search': 'Always use this app for searches',
  'providerPrompt.remember.other': 'Always use this app for this',
  'providerPrompt.rememberHint': 'You can change this in Settings, under Default apps.',
  'providerPrompt.sameTitle': '{title} ({name})',
  'providerPrompt.continue': 'Continue',
  'providerPrompt.cancel': 'Cancel',

  'notifications.accept': 'Accept',
  'notifications.reject': 'Reject',
  'notifications.reply': 'Reply',
  'notifications.replyLabel': 'Your reply to {title}',

  'settings.calls': 'Calls',
  'settings.confirmCalls': 'Confirm calls from links in the phone app',
  'settings.confirmCallsHint': 'A call link (tel:, sip:) puts the number into your phone app, and you start the call there.',
  'settings.defaultApps': 'Default apps',
  'settings.defaultAppsHint': 'The app used when more than one could do it. Forget a choice and you are asked again.',
  'settings.defaultAppsNone': 'No default apps yet. When more than one app could make a call, you choose, and you can keep your choice.',
  'settings.defaultApps.phone': 'Calls',
  'settings.defaultApps.search': 'Searches',
  'settings.defaultAppForget': 'Forget',
  'settings.defaultAppPreset': 'Preset by your IT department',
  'settings.defaultAppForgetLabel': 'Forget {app} for {use}',
  'settings.updates': 'Updates',
  'settings.updates.disabled': 'Automatic updates are off.',
  'settings.updates.idle': 'myApps looks for updates by itself.',
  'settings.updates.checking': 'Looking for updates…',
  'settings.updates.up-to-date': 'myApps is up to date.',
  'settings.updates.available': 'An update is available.',
  'settings.updates.downloading': 'Downloading the update…',
  'settings.updates.ready': 'The update is ready to install.',
  'settings.updates.error': 'The last look for updates failed.',
  'settings.updatesVersion': 'Version {version}',
  'settings.updatesCheck': 'Check for updates',
  'settings.updatesInstall': 'Restart and install',
  'settings.updateChannel': 'Update channel',
  'settings.updateChannel.stable': 'Stable',
  'settings.updateChannel.beta': 'Beta (earlier, less tested)',
  'settings.pbxAnnounces': 'Your PBX runs {version} (build {build}).',
  // ---- end desktop citizen ----
  // ---- memory control ----
  'settings.memory': 'Memory',
  'settings.memoryHint': 'What each running app uses. An app in the background for a while is unloaded to free its memory; it loads again when you open it.',
  'settings.memoryNotMeasured': 'Not measured in the browser shell: the browser does not tell a page how much memory each app in it uses.',
  'settings.memoryNoApps': 'No app is running.',
  'settings.memoryApp': 'App',
  'settings.memoryUse': 'Memory',
  'settings.memoryUnloaded': 'unloaded',
  'settings.memoryStarting': 'loading',
  'settings.memoryUnknown': 'not known',
  'settings.memoryNotMeasuredShort': 'not measured',
  'settings.memoryHidden': '{title} (in the background, for other apps)',
  'settings.memoryTotal': 'Total',
  'settings.memoryUnload': 'Unload',
  'settings.memoryUnloadLabel': 'Unload {title} now',
  'settings.unloadIdleApps': 'Unload apps in the background after (minutes)',
  'settings.unloadIdleAppsHint': '0: never. The app in front, apps in a call and apps other apps use stay loaded.',
  // ---- end memory control ----
} as const;

export type MessageKey = keyof typeof en;
type Table = Partial<Record<MessageKey, string>>;
export type Params = Record<string, string | number>;

/** Languages with UI strings. English is complete; others may be partial. */
const tables: Record<string, Table> = { en };

/** Languages offered in Settings, by their own names. Apps get the choice even where the UI has no strings yet. */
export const languageChoices: readonly (readonly [code: string, name: string])[] = [
  ['en', 'English'],
  ['de', 'Deutsch'],
  ['fr', 'Français'],
  ['it', 'Italiano'],
  ['es', 'Español'],
  ['nl', 'Nederlands'],
];

export interface I18n {
  /** The language the UI strings are in (for `<html lang>`). */
  lang: string;
  /** The locale for dates and numbers: the user's choice even where the UI has no strings for it. */
  locale: string;
  t(key: MessageKey, params?: Params): string;
  /** Like `t`, with elements for placeholders (e.g. a code shown large), still one translatable sentence. */
  nodes(key: MessageKey, params: Record<string, ReactNode>): ReactNode;
  /** Picks `<base>.one` or `<base>.other` by the plural rules of the locale. */
  plural(base: 'home.matches', count: number): string;
  /** "a, b and c", in the language of the UI strings. */
  list(items: readonly string[]): string;
}

export function makeI18n(setting: string): I18n {
  const locale = setting === 'auto' ? navigator.language || 'en' : setting;
  const lang = locale.slice(0, 2).toLowerCase();
  const table = tables[lang] ?? en;
  const rules = new Intl.PluralRules(locale);
  const lists = new Intl.ListFormat(tables[lang] ? lang : 'en', { type: 'conjunction' });
  const t = (key: MessageKey, params?: Params): string => {
    const text: string = table[key] ?? en[key];
    return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;
  };
  return {
    lang: tables[lang] ? lang : 'en',
    locale,
    t,
    nodes(key, params) {
      const text: string = table[key] ?? en[key];
      // split() with a capture group alternates text and placeholder names.
      const parts = text.split(/\{(\w+)\}/).map((part, i) => (i % 2 === 1 ? (params[part] ?? part) : part));
      return createElement(Fragment, null, ...parts);
    },
    plural: (base, count) => t(rules.select(count) === 'one' ? `${base}.one` : `${base}.other`, { count }),
    list: (items) => lists.format(items),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('en'));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
