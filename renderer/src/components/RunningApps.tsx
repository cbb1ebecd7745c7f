import { memo, useCallback, useId, type RefObject } from 'react';
import type { RunningApp } from '../../../main/core/bridge/views.js';
import { useI18n } from '../i18n.js';
import { useCommand } from '../useCommand.js';
import { AppIcon } from './AppIcon.js';
import { ErrorAlert } from './ErrorAlert.js';
import { CloseIcon, HomeIcon } from './Icons.js';

/**
 * The strip of running apps ("Running apps"): the home screen first (it leaves the app in
 * front running and shows Home), then every app that has
 * a tab (hidden API providers run without one), in the order they were opened. Each app
 * button's accessible name is exactly its title; the badge and a loading or failed state are
 * its description. The one in front is `aria-current="page"`.
 */
export function RunningApps(props: { apps: RunningApp[]; shownViewId: string | undefined; homeCurrent: boolean; onShowHome: () => void; navRef: RefObject<HTMLElement | null> }) {
  const { apps, shownViewId, homeCurrent, onShowHome, navRef } = props;
  const { t } = useI18n();
  const { failure, run } = useCommand();
  const show = useCallback((viewId: string) => void run({ type: 'showApp', viewId }), [run]);
  const close = useCallback(
    (viewId: string) => {
      void run({ type: 'closeApp', viewId }).then(() => {
        // The pressed button went away with its app: keep the keyboard in the strip.
        if (document.activeElement === document.body || document.activeElement === null) navRef.current?.querySelector<HTMLElement>('button')?.focus();
      });
    },
    [run, navRef],
  );
  return (
    <nav ref={navRef} className="app-strip" aria-label={t('apps.label')}>
      <ul>
        <li className="strip-cell">
          <button type="button" className="strip-item" aria-current={homeCurrent ? 'page' : undefined} title={t('apps.home')} onClick={onShowHome}>
            <span className="strip-icon strip-home-icon" aria-hidden="true">
              <HomeIcon />
            </span>
            <span className="strip-title">{t('apps.home')}</span>
          </button>
        </li>
        {apps.map((app) => (
          <StripApp key={app.viewId} app={app} shown={app.viewId === shownViewId} onShow={show} onClose={close} />
        ))}
      </ul>
      <ErrorAlert failure={failure} />
    </nav>
  );
}

const StripApp = memo(function StripApp({ app, shown, onShow, onClose }: { app: RunningApp; shown: boolean; onShow: (viewId: string) => void; onClose: (viewId: string) => void }) {
  const { t } = useI18n();
  const id = useId();
  const describedBy = [app.badge && `${id}-badge`, app.state !== 'alive' && `${id}-state`].filter(Boolean).join(' ') || undefined;
  return (
    <li className={`strip-cell strip-${app.state}`}>
      <button type="button" className="strip-item" aria-current={shown ? 'page' : undefined} aria-describedby={describedBy} title={app.title} onClick={() => onShow(app.viewId)}>
        <AppIcon key={app.iconUrl} className="strip-icon" title={app.title} name={app.name} iconUrl={app.website ? undefined : app.iconUrl} website={app.website} />
        <span className="strip-title">{app.title}</span>
      </button>
      {app.state !== 'alive' && (
        <span id={`${id}-state`} className="strip-state">
          <span className="visually-hidden">{t(app.state === 'failed' ? 'apps.failedShort' : app.state === 'unloaded' ? 'apps.unloadedShort' : 'apps.starting')}</span>
        </span>
      )}
      {app.badge && (
        <span id={`${id}-badge`} className="badge strip-badge" role="img" aria-label={t('tile.badge', { count: app.badge })}>
          {app.badge}
        </span>
      )}
      <button type="button" className="icon-button strip-close" aria-label={t('apps.close', { title: app.title })} title={t('apps.close', { title: app.title })} onClick={() => onClose(app.viewId)}>
        <CloseIcon />
      </button>
    </li>
  );
});
