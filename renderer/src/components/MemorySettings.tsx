import { useEffect, useId, useState } from 'react';
import type { AppMemoryView } from '../../../main/core/bridge/views.js';
import { useI18n, type I18n } from '../i18n.js';
import { invoke } from '../store.js';
import { useCommand } from '../useCommand.js';
import { ErrorAlert } from './ErrorAlert.js';
import { LockNote } from './LockNote.js';

/** How often the figures are asked for again while Settings is open. */
export const MEMORY_REFRESH_MS = 3000;

/**
 * Settings → Memory: what each running app uses and the total, as the shell can measure it
 * (`getAppMemory`; the browser shell says it does not measure rather than show invented
 * figures), asked for on open and every few seconds while open; each app can be unloaded now;
 * and after how many minutes in the background an app is unloaded by itself.
 */
export function MemorySettings({ minutes, locked, onMinutes }: { minutes: number; locked: string | undefined; onMinutes: (minutes: number) => void }) {
  const { t } = useI18n();
  const id = useId();
  const memory = useAppMemory();
  const { failure, run } = useCommand();
  return (
    <section className="card settings-group memory-settings" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('settings.memory')}</h2>
      <p id={`${id}-hint`} className="hint">
        {t('settings.memoryHint')}
      </p>
      <MinutesField minutes={minutes} locked={locked} onMinutes={onMinutes} />
      {memory && !memory.measured && <p className="memory-not-measured">{t('settings.memoryNotMeasured')}</p>}
      {memory && memory.apps.length === 0 && <p className="empty">{t('settings.memoryNoApps')}</p>}
      {memory && memory.apps.length > 0 && (
        <table className="memory-table" aria-describedby={`${id}-hint`}>
          <thead>
            <tr>
              <th scope="col">{t('settings.memoryApp')}</th>
              <th scope="col">{t('settings.memoryUse')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('settings.memoryUnload')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {memory.apps.map((app) => (
              <tr key={app.viewId} data-app={app.name}>
                <th scope="row">{app.hidden ? t('settings.memoryHidden', { title: app.title }) : app.title}</th>
                <td className="memory-figure">
                  {app.state === 'unloaded'
                    ? t('settings.memoryUnloaded')
                    : app.bytes !== undefined
                      ? formatBytes(t, app.bytes)
                      : app.state === 'starting'
                        ? t('settings.memoryStarting')
                        : memory.measured
                          ? t('settings.memoryUnknown')
                          : (
                            <>
                              <span aria-hidden="true">—</span>
                              <span className="visually-hidden">{t('settings.memoryNotMeasuredShort')}</span>
                            </>
                          )}
                </td>
                <td>
                  {app.state === 'alive' && (
                    <button type="button" className="button" aria-label={t('settings.memoryUnloadLabel', { title: app.title })} onClick={() => void run({ type: 'unloadApp', viewId: app.viewId }).then(memory.refresh)}>
                      {t('settings.memoryUnload')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
          {memory.measured && (
            <tfoot>
              <tr>
                <th scope="row">{t('settings.memoryTotal')}</th>
                <td className="memory-figure memory-total">{formatBytes(t, memory.totalBytes ?? 0)}</td>
                <td />
              </tr>
            </tfoot>
          )}
        </table>
      )}
      <ErrorAlert failure={failure} />
    </section>
  );
}

/** The minutes field: typed freely, saved on a whole number; the core validates and says why not. */
function MinutesField({ minutes, locked, onMinutes }: { minutes: number; locked: string | undefined; onMinutes: (minutes: number) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [draft, setDraft] = useState(String(minutes));
  useEffect(() => setDraft(String(minutes)), [minutes]);
  const commit = () => {
    const n = Number(draft);
    if (draft.trim() !== '' && Number.isFinite(n) && n !== minutes) onMinutes(n);
    else setDraft(String(minutes));
  };
  const described = [`${id}-hint`, locked !== undefined && `${id}-lock`].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{t('settings.unloadIdleApps')}</label>
      <input
        id={id}
        type="number"
        min={0}
        max={10080}
        step={1}
        inputMode="numeric"
        value={draft}
        disabled={locked !== undefined}
        aria-describedby={described}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      <span id={`${id}-hint`} className="hint">
        {t('settings.unloadIdleAppsHint')}
      </span>
      {locked !== undefined && <LockNote id={`${id}-lock`} source={locked} />}
    </div>
  );
}

/** The figures, asked for now and every MEMORY_REFRESH_MS while mounted. */
function useAppMemory(): (AppMemoryView & { refresh: () => void }) | undefined {
  const [memory, setMemory] = useState<AppMemoryView>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    const ask = () =>
      void invoke({ type: 'getAppMemory' }).then((r) => {
        if (live && r.ok) setMemory(r.value as AppMemoryView);
      });
    ask();
    const timer = setInterval(ask, MEMORY_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [tick]);
  return memory && { ...memory, refresh: () => setTick((n) => n + 1) };
}

/** Bytes in MB (or GB), as task managers show them; the unit and the decimal sign the locale's ("12,3 Mo"). */
export function formatBytes(t: I18n['t'], bytes: number): string {
  const mb = bytes / 2 ** 20;
  return mb >= 1024 ? t('settings.memoryGigabytes', { size: mb / 1024 }) : t('settings.memoryMegabytes', { size: mb < 10 ? mb : Math.round(mb) });
}
