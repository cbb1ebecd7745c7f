/**
 * The first login in a page is slow for a reason of its own: the signed-in screen's code runs
 * for the first time (parsed, compiled, no type feedback yet). Measured with 200 apps on a
 * 2-core machine (`npm run bench`, loginToTiles): the first login took 1.7–2.5× a bare page
 * doing the same PBX exchanges, a second login in the same page 0.85–1.4×.
 *
 * So while the login form waits for the user, the page renders the signed-in screen once out of
 * sight — the real components, with made-up apps and a fixed state — and throws it away. The
 * real login then runs code the page has run before.
 *
 * Nothing of it can be seen, heard or clicked, and nothing is sent: it is rendered, laid out
 * and removed within one task (never painted, never in the accessibility tree), in an inert,
 * aria-hidden host; its components read the fixed state (store.ts `UiSourceContext`), which no
 * event changes, and nothing in that screen sends a command before a user acts. It runs once
 * per page, only when the page's first state says the login form waits (a resumed session
 * renders the real screen at once), and only when the page is idle. DevTools shows it as the
 * user timing `myapps:warm-up`, with the number of tiles it rendered.
 */
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { useRef } from 'react';
import type { Snapshot, Tile } from '../../main/core/bridge/views.js';
import { Nav } from './components/Nav.js';
import { PresenceMenu } from './components/PresenceMenu.js';
import { StatusBar } from './components/StatusBar.js';
import { I18nContext, makeI18n, useI18n } from './i18n.js';
import { Home } from './screens/Home.js';
import { fixedUiSource, liveUiSource, UiSourceContext } from './store.js';
import { systemLanguages } from './systemPreferences.js';

const warmUpMeasure = 'myapps:warm-up';

/** Enough tiles to fill a large window, so every row of the grid is rendered once. */
const madeUpApps = 120;

/** The login form waits for the user: nothing is on its way that would render the real screen. */
function loginFormWaits(snapshot: Snapshot): boolean {
  return snapshot.connection.kind === 'disconnected' || snapshot.connection.kind === 'error';
}

/** Once the first state is here: warm up at the next idle time if the login form is what it shows. */
export function warmUpWhileLoginFormWaits(): void {
  let decided = false;
  const decide = () => {
    const snapshot = liveUiSource.state().snapshot;
    if (decided || !snapshot) return;
    decided = true;
    stop();
    if (!loginFormWaits(snapshot)) return;
    requestIdleCallback(() => {
      const now = liveUiSource.state().snapshot;
      if (!now || !loginFormWaits(now)) return;
      try {
        warmUp(now);
      } catch (e) {
        // Only time is lost: the login renders the screen as it would have without it.
        console.warn('myApps: the warm-up of the signed-in screen failed', e);
      }
    });
  };
  const stop = liveUiSource.subscribe(decide);
  decide();
}

/** `base` as it would be just after a login with `madeUpApps` apps. */
function signedIn(base: Snapshot): Snapshot {
  const tiles: Tile[] = Array.from({ length: madeUpApps }, (_, i) => ({
    name: `warm-up-${i}`,
    title: `App ${i}`,
    text: '',
    url: `https://warm-up.invalid/app${i}`,
    // No icon URL: nothing is fetched (AppIcon.tsx). Websites take the other branch of the icon.
    website: i % 7 === 0,
  }));
  return {
    ...base,
    connection: { kind: 'logged-in', url: 'wss://warm-up.invalid/PBX0/APPCLIENT/130000/websocket', user: { sip: 'warm-up', dn: 'Warm Up' }, standby: false },
    user: { sip: 'warm-up', dn: 'Warm Up' },
    apps: { tiles, home: [{ link: 'warm-up-1', app: 'warm-up-1', args: '' }], fromCache: false },
    runningApps: [],
    activeApp: undefined,
  };
}

function SignedInScreen() {
  const { t } = useI18n();
  const searchRef = useRef<HTMLInputElement>(null);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <Nav current="home" inSession onNavigate={() => undefined} />
        <div className="topbar-end">
          <PresenceMenu />
        </div>
      </header>
      <div className="workspace">
        <main className="main">
          <div className="screen-host">
            <Home searchRef={searchRef} />
          </div>
        </main>
      </div>
      <StatusBar />
    </div>
  );
}

/** Render the signed-in screen for `base`'s settings once, out of sight, and remove it; returns the tiles it rendered. */
export function warmUp(base: Snapshot): number {
  const start = performance.now();
  const host = document.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.inert = true;
  // The size of the window, so the grid lays out the rows a real screen would.
  host.style.cssText = 'position:fixed;inset:0;visibility:hidden;pointer-events:none;contain:strict';
  document.body.append(host);
  const root = createRoot(host);
  let tiles: number;
  try {
    const state = fixedUiSource({ snapshot: signedIn(base), bridge: 'open' });
    flushSync(() =>
      root.render(
        <UiSourceContext.Provider value={state}>
          <I18nContext.Provider value={makeI18n(base.settings.values.language, systemLanguages())}>
            <SignedInScreen />
          </I18nContext.Provider>
        </UiSourceContext.Provider>,
      ),
    );
    tiles = host.querySelectorAll('.tile').length;
  } finally {
    root.unmount();
    host.remove();
  }
  performance.measure(warmUpMeasure, { start, detail: { tiles } });
  return tiles;
}
