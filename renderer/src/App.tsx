import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { Nav, type Route } from './components/Nav.js';
import { Notices } from './components/Notices.js';
import { PresenceMenu } from './components/PresenceMenu.js';
import { StatusBar } from './components/StatusBar.js';
import { I18nContext, makeI18n } from './i18n.js';
import { AccountSecurity } from './screens/AccountSecurity.js';
import { Home } from './screens/Home.js';
import { Login } from './screens/Login.js';
import { Settings } from './screens/Settings.js';
import { useUi } from './store.js';

type Screen = 'login' | Route;

export function App() {
  const hasSnapshot = useUi((s) => s.snapshot !== undefined);
  const kind = useUi((s) => s.snapshot?.connection.kind);
  const language = useUi((s) => s.snapshot?.settings.values.language ?? 'auto');
  const scheme = useUi((s) => s.snapshot?.settings.values.scheme ?? 'system');
  const i18n = useMemo(() => makeI18n(language), [language]);
  // While reconnecting the user keeps working with the last apps; only a real logout or a
  // failed login leads back to the login screen.
  const inSession = kind === 'logged-in' || kind === 'reconnecting';
  const [route, setRoute] = useState<Route>('home');
  const screen: Screen = route === 'settings' || inSession ? route : 'login';
  // A session ends: the next login starts on Home, not on the last screen of the previous user.
  useEffect(() => {
    if (!inSession && route === 'security') setRoute('home');
  }, [inSession, route]);

  // The stylesheet maps the scheme to CSS `color-scheme`; "system" follows the OS live.
  useEffect(() => {
    document.documentElement.dataset.scheme = scheme;
  }, [scheme]);
  useEffect(() => {
    document.documentElement.lang = i18n.lang;
    document.title = i18n.t('app.name');
  }, [i18n]);

  // On every screen change focus moves to the new screen's heading (or, after Ctrl+K, to the search box).
  const mainRef = useRef<HTMLElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const focusSearchNext = useRef(false);
  const shownScreen = useRef<Screen | undefined>(undefined);
  useEffect(() => {
    if (!hasSnapshot || shownScreen.current === screen) return;
    const first = shownScreen.current === undefined;
    shownScreen.current = screen;
    if (focusSearchNext.current) searchRef.current?.select();
    else if (!first) mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
    focusSearchNext.current = false;
  }, [screen, hasSnapshot]);

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 'k' || !inSession) return;
      e.preventDefault();
      if (screen === 'home') searchRef.current?.select();
      else {
        focusSearchNext.current = true;
        setRoute('home');
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [inSession, screen]);

  return (
    <I18nContext.Provider value={i18n}>
      <div className="app">
        <header className="topbar">
          <span className="brand">{i18n.t('app.name')}</span>
          {hasSnapshot && <Nav current={route} inSession={inSession} onNavigate={setRoute} />}
          <div className="topbar-end">{inSession && <PresenceMenu />}</div>
        </header>
        <Notices />
        <main ref={mainRef} className="main">
          {!hasSnapshot ? <div className="spinner" aria-hidden="true" /> : <ScreenView screen={screen} searchRef={searchRef} />}
        </main>
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
