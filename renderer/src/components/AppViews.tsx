import { memo, useEffect, useId, useMemo, useRef, useState, type RefObject } from 'react';
import type { AppPermission, RunningApp } from '../../../main/core/bridge/views.js';
import { appFrameUrl } from '../appFrameUrl.js';
import { useAppViewPlacement } from '../appViewPlacement.js';
import { useI18n } from '../i18n.js';
import { openInspector } from '../inspector/store.js';
import { useHidingOverlay } from '../overlays.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';
import { AppPermissionsMenu } from './AppPermissionsMenu.js';
import { ErrorAlert } from './ErrorAlert.js';
import { PopOutButton, PoppedOut } from './PopOut.js';
import { MenuIcon } from './Icons.js';

/**
 * Every running app's view. How depends on the shell (`snapshot.shell.appViews`):
 *
 * - `frames` (browser shell): an iframe of our app-frame page per app, mounted for as long as
 *   the app runs, so switching apps never reloads one. Only the app in front is visible; the
 *   others, hidden API providers included, keep running invisibly (`visibility: hidden` at
 *   full size — never `display: none`, which browsers may throttle and which would give the
 *   app a zero-size layout).
 * - `native` (Electron): no frames at all. A placeholder marks where the app in front goes and
 *   its bounds go to the core (`placeAppView`, see appViewPlacement.ts); the main process lays
 *   the app's own view over it and hides the others. While the app is loading or failed, a
 *   menu or dialog is open, the view is hidden so the UI's own content shows.
 *
 * Either way each app's frame or placeholder is keyed by `viewId:frameEpoch`: a bumped epoch
 * (Retry after the page never attached) creates the app-frame page anew. With no app in front
 * the whole layer is invisible and the screen below shows.
 */
export function AppViews({ apps, shownViewId, layerRef }: { apps: RunningApp[]; shownViewId: string | undefined; layerRef?: RefObject<HTMLDivElement | null> }) {
  const native = useUi((s) => s.snapshot?.shell.appViews === 'native');
  const byId = useMemo(() => new Map(apps.map((app) => [app.viewId, app])), [apps]);
  const order = useStableOrder(apps);
  const shown = shownViewId === undefined ? undefined : byId.get(shownViewId);
  return (
    <div ref={layerRef} className={shown ? 'app-layer' : 'app-layer app-layer-idle'}>
      <div className="app-header">{shown && <AppHeader key={shown.viewId} app={shown} />}</div>
      <div className="app-stage">
        {native ? (
          <NativeAppStage app={shown} />
        ) : (
          <>
            {order.map((viewId) => {
              const app = byId.get(viewId);
              // An unloaded app (idle too long) has no frame: removed, it frees the app's memory. One in
              // its own window has its frame there (PopOutPage.tsx).
              return app && app.state !== 'unloaded' && !app.poppedOut && <AppView key={`${viewId}:${app.frameEpoch}`} app={app} shown={app === shown} />;
            })}
            {/* Over its frame while it saves its state to move out (the frame must stay to answer). */}
            {shown && (shown.poppedOut || shown.moving === 'out') && <PoppedOut key={shown.viewId} app={shown} />}
          </>
        )}
      </div>
    </div>
  );
}

/**
 * The view ids in the order their frames were first mounted. Moving an iframe in the DOM
 * reloads it, so if the core ever reorders `runningApps`, the frames stay where they are.
 */
function useStableOrder(apps: RunningApp[]): string[] {
  const [order, setOrder] = useState<string[]>(() => apps.map((a) => a.viewId));
  const ids = new Set(apps.map((a) => a.viewId));
  const kept = order.filter((id) => ids.has(id));
  const next = [...kept, ...apps.map((a) => a.viewId).filter((id) => !kept.includes(id))];
  const changed = next.length !== order.length || next.some((id, i) => id !== order[i]);
  // Derived state, stored during render (React re-renders at once, before committing).
  if (changed) setOrder(next);
  return changed ? next : order;
}

export const AppView = memo(function AppView({ app, shown }: { app: RunningApp; shown: boolean }) {
  // Fixed for the life of the view (its key holds the epoch): a new src would reload the app.
  const src = useMemo(() => appFrameUrl(app.viewId), [app.viewId]);
  return (
    <div className={shown ? 'app-view app-view-shown' : 'app-view'} data-view={app.viewId}>
      <iframe className="app-frame" src={src} title={app.title} />
      {shown && <AppState app={app} />}
    </div>
  );
});

/** Electron: where the app in front goes. Its view is shown there only while the app is alive. */
function NativeAppStage({ app }: { app: RunningApp | undefined }) {
  const [placeholder, setPlaceholder] = useState<HTMLDivElement | null>(null);
  // In a window of its own, its view is there: none is placed here.
  useAppViewPlacement(placeholder, app?.state === 'alive' && !app.poppedOut);
  if (!app) return null;
  return (
    <div key={`${app.viewId}:${app.frameEpoch}`} className="app-view app-view-shown" data-view={app.viewId}>
      <div ref={setPlaceholder} className="app-placeholder" role="region" aria-label={app.title} />
      {app.poppedOut ? <PoppedOut app={app} /> : <AppState app={app} />}
    </div>
  );
}

/** Loading, or failed with Retry, over the app in front. */
function AppState({ app }: { app: RunningApp }) {
  const { t } = useI18n();
  if (app.state === 'starting')
    return (
      <div className="app-overlay">
        <div className="spinner spinner-inline" aria-hidden="true" />
        <p>{t('apps.loading', { title: app.title })}</p>
      </div>
    );
  if (app.state === 'failed') return <AppFailed app={app} />;
  return null;
}

function AppFailed({ app }: { app: RunningApp }) {
  const { t } = useI18n();
  const { failure, run } = useCommand();
  return (
    <div className="app-overlay">
      <div role="alert" className="app-failure">
        <p className="app-failure-title">{t('apps.failed', { title: app.title })}</p>
        {app.error && <p className="app-failure-detail">{app.error}</p>}
      </div>
      <button type="button" className="button button-primary" onClick={() => void run({ type: 'reloadApp', viewId: app.viewId })}>
        {t('apps.retry')}
      </button>
      <ErrorAlert failure={failure} />
    </div>
  );
}

/** `openAppDevTools` answers `{ opened }`; anything else counts as not opened. */
function devToolsOpened(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'opened' in value && value.opened === true;
}

/** Title and actions of the app in front; its heading takes focus when the app comes to the front. */
function AppHeader({ app }: { app: RunningApp }) {
  const { t } = useI18n();
  const { failure, run } = useCommand();
  // The core refuses app DevTools unless both are on; the button shows only then.
  const devToolsAllowed = useUi((s) => {
    const values = s.snapshot?.settings.values;
    return values !== undefined && values.developerMode && values.appDevTools;
  });
  const devToolsExplained = useUi((s) => s.snapshot?.shell.appDevTools !== 'open');
  const developerMode = useUi((s) => s.snapshot?.settings.values.developerMode === true);
  const [devTools, setDevTools] = useState(false);
  const openDevTools = async () => {
    const result = await run({ type: 'openAppDevTools', viewId: app.viewId });
    // Opened by the shell (Electron): nothing more to do. Not opened (browser shell): say how.
    if (result.ok && !devToolsOpened(result.value)) setDevTools(true);
  };
  const request = (permissions: AppPermission[]) => void run({ type: 'requestAppPermission', viewId: app.viewId, permissions });
  return (
    <>
      {app.menu && <AppMenuButton app={app} menu={app.menu} />}
      <h1 className="app-title" tabIndex={-1}>
        {app.title}
      </h1>
      <div className="button-row">
        <button type="button" className="button" onClick={() => void run({ type: 'reloadApp', viewId: app.viewId })}>
          {t('apps.reload')}
        </button>
        <PopOutButton app={app} />
        {!app.website && <AppPermissionsMenu app={app} onRequest={request} />}
        {developerMode && !app.website && (
          <button type="button" className="button" onClick={() => openInspector(app.name)}>
            {t('inspector.open')}
          </button>
        )}
        {devToolsAllowed && (
          <button type="button" className="button" aria-haspopup={devToolsExplained ? 'dialog' : undefined} onClick={() => void openDevTools()}>
            {t('apps.devTools')}
          </button>
        )}
      </div>
      <ErrorAlert failure={failure} />
      {devTools && <DevToolsDialog title={app.title} onClose={() => setDevTools(false)} />}
    </>
  );
}

/**
 * The app's own menu, for an app that announced one (`SetMenuState`): the button shows whether
 * it is open and opens or closes it — the app is told (`setAppMenu` → `SetMenuState`) and draws
 * the menu itself. The button is ours, in the UI page above the app, in both shells.
 */
function AppMenuButton({ app, menu }: { app: RunningApp; menu: 'open' | 'closed' }) {
  const { t } = useI18n();
  const { failure, run } = useCommand();
  return (
    <>
      <button type="button" className="icon-button app-menu-button" aria-expanded={menu === 'open'} aria-label={t('apps.menu', { title: app.title })} title={t('apps.menu', { title: app.title })} onClick={() => void run({ type: 'setAppMenu', viewId: app.viewId, open: menu !== 'open' })}>
        <MenuIcon />
      </button>
      <ErrorAlert failure={failure} />
    </>
  );
}

/**
 * The browser shell cannot open DevTools itself: this says how, and how to find the app's
 * frame there. (Electron opens the app view's DevTools directly.)
 */
function DevToolsDialog({ title, onClose }: { title: string; onClose: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  useHidingOverlay(true);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.open) return;
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
  }, []);
  // Closed by its button or by Escape: the `close` event unmounts it, and focus goes back.
  const closed = () => {
    onClose();
    opener.current?.focus();
  };
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${id}-heading`} onClose={closed}>
      <h2 id={`${id}-heading`}>{t('apps.devToolsHeading', { title })}</h2>
      <ol className="dialog-steps">
        <li>{t('apps.devToolsOpen')}</li>
        <li>{t('apps.devToolsContext', { title })}</li>
        <li>{t('apps.devToolsElements', { title })}</li>
      </ol>
      <div className="button-row dialog-actions">
        <button type="button" className="button button-primary" autoFocus onClick={() => ref.current?.close()}>
          {t('apps.devToolsClose')}
        </button>
      </div>
    </dialog>
  );
}
