import { useI18n, type MessageKey } from '../i18n.js';

export type Route = 'home' | 'security' | 'settings';

const items: { route: Route; label: MessageKey; needsSession: boolean }[] = [
  { route: 'home', label: 'nav.home', needsSession: false },
  { route: 'security', label: 'nav.security', needsSession: true },
  { route: 'settings', label: 'nav.settings', needsSession: false },
];

/** Screen switcher. Before login "Home" is the login screen, and Account security is hidden. No item is current while an app is in front. */
export function Nav({ current, inSession, onNavigate }: { current: Route | undefined; inSession: boolean; onNavigate: (route: Route) => void }) {
  const { t } = useI18n();
  return (
    <nav className="nav" aria-label={t('nav.label')}>
      <ul>
        {items
          .filter((item) => inSession || !item.needsSession)
          .map((item) => (
            <li key={item.route}>
              <button type="button" className="nav-item" aria-current={item.route === current ? 'page' : undefined} onClick={() => onNavigate(item.route)}>
                {t(item.label)}
              </button>
            </li>
          ))}
      </ul>
    </nav>
  );
}
