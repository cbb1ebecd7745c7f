import { useState } from 'react';
import type { RunningApp } from '../../../main/core/bridge/views.js';
import { useI18n } from '../i18n.js';
import { focusPopOutWindow, openPopOutWindow } from '../popOut.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';
import { ErrorAlert } from './ErrorAlert.js';

/**
 * An app in a window of its own (core apps/pop-out.ts). The core says where each app is
 * (`RunningApp.poppedOut`); Electron makes the window and moves the app's view itself, the browser
 * shell's UI opens the window (popOut.ts) in the click, before it asks the core.
 */

/** Whether the UI opens apps' own windows itself (browser shell) rather than the shell (Electron). */
function useOpensWindows(): boolean {
  return useUi((s) => s.snapshot?.shell.appViews === 'frames');
}

/** A window of its own for `app`, or its window to the front; `blocked` when the browser refused to open one. */
function usePopOut(app: RunningApp): { failure: ReturnType<typeof useCommand>['failure']; blocked: boolean; popOut: () => void; dock: () => void } {
  const opensWindows = useOpensWindows();
  const { failure, run } = useCommand();
  const [blocked, setBlocked] = useState(false);
  const popOut = () => {
    let opened: Window | undefined;
    if (opensWindows) {
      // In the click itself: a browser opens windows only for the user's gesture.
      const found = app.poppedOut ? focusPopOutWindow(app) : (opened = openPopOutWindow(app)) !== undefined;
      setBlocked(!found);
      if (!found) return;
    }
    void run({ type: 'popOutApp', viewId: app.viewId }).then((result) => {
      // Refused: the window opened for it has nothing to show.
      if (!result.ok) opened?.close();
    });
  };
  const dock = () => void run({ type: 'dockApp', viewId: app.viewId });
  return { failure, blocked, popOut, dock };
}

function Blocked({ app }: { app: RunningApp }) {
  const { t } = useI18n();
  return (
    <div role="alert" className="alert alert-error">
      <p>{t('apps.popOutBlocked', { title: app.title })}</p>
    </div>
  );
}

/** "Pop out" in the header of the app in front (an app in its own window has the placeholder's buttons instead). */
export function PopOutButton({ app }: { app: RunningApp }) {
  const { t } = useI18n();
  const { failure, blocked, popOut } = usePopOut(app);
  if (app.poppedOut) return null;
  return (
    <>
      <button type="button" className="button" title={t('apps.popOutHint', { title: app.title })} disabled={app.moving !== undefined} onClick={popOut}>
        {t('apps.popOut')}
      </button>
      {blocked && <Blocked app={app} />}
      <ErrorAlert failure={failure} />
    </>
  );
}

/** In the main window, where an app in a window of its own would be: where it is, "Bring to front" and "Dock back". */
export function PoppedOut({ app }: { app: RunningApp }) {
  const { t } = useI18n();
  const { failure, blocked, popOut, dock } = usePopOut(app);
  const text = app.moving === 'out' ? t('apps.movingOut', { title: app.title }) : app.moving === 'in' ? t('apps.movingIn', { title: app.title }) : t('apps.poppedOut', { title: app.title });
  return (
    <div className="app-overlay app-popped-out" role="region" aria-label={app.title}>
      {app.moving !== undefined && <div className="spinner spinner-inline" aria-hidden="true" />}
      <p role="status">{text}</p>
      <div className="button-row">
        <button type="button" className="button button-primary" disabled={app.moving !== undefined} onClick={popOut}>
          {t('apps.bringToFront')}
        </button>
        <button type="button" className="button" disabled={app.moving === 'in'} onClick={dock}>
          {t('apps.dock')}
        </button>
      </div>
      {blocked && <Blocked app={app} />}
      <ErrorAlert failure={failure} />
    </div>
  );
}
