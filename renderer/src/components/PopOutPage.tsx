import { type RefObject, useCallback, useEffect, useRef } from 'react';
import type { BridgeApi } from '../../../main/core/bridge/channels.js';
import { I18nContext, useI18n, usePageI18n } from '../i18n.js';
import { type PopOutBoundsReporter, defaultPopOutSize, reportPopOutBounds } from '../popOut.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';
import { AppView } from './AppViews.js';
import { ErrorAlert } from './ErrorAlert.js';

/**
 * Browser shell: the page of an app's own window (`/?popout=<viewId>`, popOut.ts). It frames the
 * app-frame page of that one view, as the main window does, once the core says the app is out
 * (`RunningApp.poppedOut`); before that (the app still saving its state in the main window) and
 * while it saves to go back, it says so. When the app is back in the main window, or closed, the
 * window closes itself; a window closed by the user docks the app (the shell sees its bridge
 * connection go). It reports where it is, for the next time (popOut.ts).
 */
export function PopOutPage({ viewId, bridge }: { viewId: string; bridge: Pick<BridgeApi, 'invoke'> }) {
  const language = useUi((s) => s.snapshot?.settings.values.language ?? 'auto');
  const scheme = useUi((s) => s.snapshot?.settings.values.scheme ?? 'system');
  const i18n = usePageI18n(language);
  useEffect(() => {
    document.documentElement.dataset.scheme = scheme;
  }, [scheme]);
  const bounds = useRef<PopOutBoundsReporter>(undefined);
  useEffect(() => {
    const reporter = reportPopOutBounds(viewId, bridge);
    bounds.current = reporter;
    return reporter.stop;
  }, [viewId, bridge]);
  return (
    <I18nContext.Provider value={i18n}>
      <div className="popout">
        <PopOutContent viewId={viewId} bounds={bounds} />
      </div>
    </I18nContext.Provider>
  );
}

function PopOutContent({ viewId, bounds }: { viewId: string; bounds: RefObject<PopOutBoundsReporter | undefined> }) {
  const { t } = useI18n();
  const { failure, run } = useCommand();
  const hasSnapshot = useUi((s) => s.snapshot !== undefined);
  const app = useUi((s) => s.snapshot?.runningApps.find((a) => a.viewId === viewId));
  /** The app was out (or on its way) since this page opened: gone from there, the window has served. */
  const wasOut = useRef(false);
  const out = app !== undefined && (app.poppedOut || app.moving === 'out');
  if (out) wasOut.current = true;
  const done = hasSnapshot && wasOut.current && !out;
  const known = app !== undefined;
  const requested = app?.popOutBounds ?? defaultPopOutSize;
  useEffect(() => {
    // The main window opened this one with the place this first snapshot has (popOut.ts).
    if (known) bounds.current?.opened(requested);
  }, [known, requested, bounds]);
  const title = app?.title;
  useEffect(() => {
    if (title !== undefined) document.title = title;
  }, [title]);
  const saveBounds = useCallback(() => bounds.current?.saveNow(), [bounds]);
  useEffect(() => {
    if (!done) return;
    saveBounds();
    window.close();
  }, [done, saveBounds]);

  if (!hasSnapshot) return <div className="spinner" aria-hidden="true" />;
  if (!app || done) return <p className="popout-note">{t('popOut.gone')}</p>;
  const dock = () => {
    saveBounds();
    void run({ type: 'dockApp', viewId });
  };
  return (
    <div className="app-layer">
      <div className="app-header">
        <h1 className="app-title">{app.title}</h1>
        <div className="button-row">
          <button type="button" className="button" disabled={!app.poppedOut || app.moving !== undefined} onClick={dock}>
            {t('apps.dock')}
          </button>
        </div>
        <ErrorAlert failure={failure} />
      </div>
      <div className="app-stage">
        {app.poppedOut && app.state !== 'unloaded' && <AppView key={`${viewId}:${app.frameEpoch}`} app={app} shown />}
        {/* Not here yet (saving in the main window), or saving to go back: over its frame, which must stay to answer. */}
        {(app.moving !== undefined || !app.poppedOut) && (
          <div className="app-overlay app-popped-out">
            <div className="spinner spinner-inline" aria-hidden="true" />
            <p role="status">{t(app.moving === 'in' ? 'apps.movingIn' : 'apps.movingOut', { title: app.title })}</p>
          </div>
        )}
      </div>
    </div>
  );
}
