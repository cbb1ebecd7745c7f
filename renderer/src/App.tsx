import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { RunningApp } from '../../main/core/bridge/views.js';
import { AppNotifications } from './components/AppNotifications.js';
import { AppViews } from './components/AppViews.js';
import { Nav, type Route } from './components/Nav.js';
import { Notices } from './components/Notices.js';
import { PermissionPrompts } from './components/PermissionPrompt.js';
import { PresenceMenu } from './components/PresenceMenu.js';
import { ProviderPrompts } from './components/ProviderPrompt.js';
import { RunningApps } from './components/RunningApps.js';
import { StatusBar } from './components/StatusBar.js';
import { StatusInfos } from './components/StatusInfos.js';
import { I18nContext, usePageI18n } from './i18n.js';
import { InspectorPanel } from './inspector/InspectorPanel.js';
import { useInspector } from './inspector/store.js';
import { AccountSecurity } from './screens/AccountSecurity.js';
import { Home } from './screens/Home.js';
import { Login } from './screens/Login.js';
import { Settings } from './screens/Settings.js';
import { shortcutOf } from '../../main/core/bridge/shortcuts.js';
import { onShortcut } from './shortcuts.js';
import { invoke, useUi } from './store.js';
import { watchNetwork, watchUserActivity } from './userActivity.js';

type Screen = 'login' | Route;

const noApps: RunningApp[] = [];

export function App() {
  const hasSnapshot = useUi((s) => s.snapshot !== undefined);
  const kind = useUi((s) => s.snapshot?.connection.kind);
  const language = useUi((s) => s.snapshot?.settings.values.language ?? 'auto');
  const scheme = useUi((s) => s.snapshot?.settings.values.scheme ?? 'system');
  const i18n = usePageI18n(language);
  // While reconnecting the user keeps working with the last apps; only a real logout or a
  // failed login leads back to the login screen.
  const inSession = kind === 'logged-in' || kind === 'reconnecting';
  const [route, setRoute] = useState<Route>('home');
  const inspectorOpen = useInspector((s) => s.open);
  const screen: Screen = route === 'settings' || inSession ? route : 'login';
  // A session ends: the next login starts on Home, not on the last screen of the previous user.
  useEffect(() => {
    if (!inSession && route === 'security') setRoute('home');
  }, [inSession, route]);

  // Apps: the core says which one is in front (`activeApp`); without one, the screen shows.
  const runningApps = useUi((s) => s.snapshot?.runningApps ?? noApps);
  const activeApp = useUi((s) => s.snapshot?.activeApp);
  const stripApps = useMemo(() => runningApps.filter((app) => !app.hidden), [runningApps]);
  const shownViewId = inSession && activeApp !== undefined && runningApps.some((app) => app.viewId === activeApp) ? activeApp : undefined;
  const view = shownViewId === undefined ? screen : `app:${shownViewId}`;
  /** Leave the app in front (it keeps running) for a screen. */
  const showScreen = useCallback(
    (next: Route) => {
      setRoute(next);
      if (shownViewId !== undefined) void invoke({ type: 'showApp' });
    },
    [shownViewId],
  );
  /** The strip's "Home screen": Home, whatever was in front. */
  const showHome = useCallback(() => {
    setRoute('home');
    void invoke({ type: 'showApp' });
  }, []);

  // The stylesheet maps the scheme to CSS `color-scheme`; "system" follows the OS live.
  useEffect(() => {
    document.documentElement.dataset.scheme = scheme;
  }, [scheme]);
  // The badges of all apps in the title, "(3) myApps": the browser shell's dock badge (Electron shows it too).
  const badgeTotal = useUi((s) => s.snapshot?.badgeTotal ?? 0);
  useEffect(() => {
    const name = i18n.t('app.name');
    document.title = badgeTotal > 0 ? i18n.t('app.titleWithBadge', { count: badgeTotal, name }) : name;
  }, [i18n, badgeTotal]);

  // Browser shell only: idleness and the network coming back, which Electron's main process watches itself.
  const framesShell = useUi((s) => s.snapshot?.shell.appViews === 'frames');
  useEffect(() => {
    if (!framesShell) return;
    const stopActivity = watchUserActivity((inactive) => void invoke({ type: 'setUserActivity', inactive }));
    const stopNetwork = watchNetwork(() => void invoke({ type: 'networkChanged' }));
    return () => {
      stopActivity();
      stopNetwork();
    };
  }, [framesShell]);

  // On every change of screen or app in front, focus moves to its heading (or, after Ctrl+K,
  // to the search box) — unless it came from the running-apps strip, where the keyboard stays.
  const screenRef = useRef<HTMLDivElement>(null);
  const appsRef = useRef<HTMLDivElement>(null);
  const stripRef = useRef<HTMLElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const focusSearchNext = useRef(false);
  const shownView = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!hasSnapshot || shownView.current === view) return;
    const first = shownView.current === undefined;
    shownView.current = view;
    const heading = (view.startsWith('app:') ? appsRef : screenRef).current?.querySelector<HTMLElement>('h1');
    if (focusSearchNext.current && !view.startsWith('app:')) searchRef.current?.select();
    else if (!first && !stripRef.current?.contains(document.activeElement)) heading?.focus();
    focusSearchNext.current = false;
  }, [view, hasSnapshot]);

  // Ctrl+K: the search, here or — pressed in an app view, where only the core hears it — from the core.
  useEffect(() => {
    const search = () => {
      if (view === 'home') searchRef.current?.select();
      else {
        focusSearchNext.current = true;
        showScreen('home');
      }
    };
    const onKeyDown = (e: KeyboardEvent) => {
      if (!inSession || shortcutOf({ key: e.key, ctrl: e.ctrlKey, meta: e.metaKey, alt: e.altKey, shift: e.shiftKey }) !== 'search') return;
      e.preventDefault();
      search();
    };
    window.addEventListener('keydown', onKeyDown);
    const stop = onShortcut((shortcut) => {
      if (inSession && shortcut === 'search') search();
    });
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      stop();
    };
  }, [inSession, view, showScreen]);

  return (
    <I18nContext.Provider value={i18n}>
      <div className="app">
        <header className="topbar">
          <span className="brand">{i18n.t('app.name')}</span>
          {hasSnapshot && <Nav current={shownViewId === undefined ? route : undefined} inSession={inSession} onNavigate={showScreen} />}
          <div className="topbar-end">{inSession && <PresenceMenu />}</div>
        </header>
        <Notices />
        <StatusInfos shownViewId={shownViewId} />
        <div className="workspace">
          {inSession && stripApps.length > 0 && <RunningApps apps={stripApps} shownViewId={shownViewId} homeCurrent={view === 'home'} onShowHome={showHome} navRef={stripRef} />}
          <main className="main">
            <div ref={screenRef} className="screen-host" hidden={shownViewId !== undefined}>
              {!hasSnapshot ? <div className="spinner" aria-hidden="true" /> : <ScreenView screen={screen} searchRef={searchRef} />}
            </div>
            {runningApps.length > 0 && <AppViews apps={runningApps} shownViewId={shownViewId} layerRef={appsRef} />}
          </main>
          {inspectorOpen && <InspectorPanel />}
        </div>
        <AppNotifications />
        {hasSnapshot && <PermissionPrompts />}
        {hasSnapshot && <ProviderPrompts />}
        <StatusBar />
      </div>
    </I18nContext.Provider>
  );
}

function ScreenView({ screen, searchRef }: { screen: Screen; searchRef: RefObject<HTMLInputElement | null> }) {
  switch (screen) {
    case 'login':
      return <Login />;
    case 'home':
      return <Home searchRef={searchRef} />;
    case 'security':
      return <AccountSecurity />;
    case 'settings':
      return <Settings />;
  }
}
