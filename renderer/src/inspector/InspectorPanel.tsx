/**
 * The message inspector's panel (developer mode; README, "For app developers"): beside the app
 * area, every message between the apps and myApps as the core recorded it — already redacted —
 * and the apps' console lines, filtered by app, API, message type and console level; paused,
 * cleared, one message copied, the session exported as JSON lines. Only the newest rows that
 * match are rendered (a flood must not stall the page); the full message shows on selection.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import type { ConsoleLevel, InspectorEntry } from '../../../main/core/bridge/inspector.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { clearInspector, closeInspector, setPaused, useInspector } from './store.js';
import { entryMatches, exportLines, type InspectorFilter } from './filter.js';

/** Rows rendered at most: the newest that match. */
export const MAX_ROWS = 300;

const levels: readonly ConsoleLevel[] = ['debug', 'log', 'info', 'warn', 'error'];
const kinds: readonly [InspectorFilter['kind'], MessageKey][] = [
  ['all', 'inspector.kindAll'],
  ['message', 'inspector.kindMessages'],
  ['console', 'inspector.kindConsole'],
];

export function InspectorPanel() {
  const { t, locale } = useI18n();
  const id = useId();
  const forApp = useInspector((s) => s.app);
  const entries = useInspector((s) => s.entries);
  const paused = useInspector((s) => s.paused);
  const held = useInspector((s) => s.held.length);
  const error = useInspector((s) => s.error);
  const stopped = useInspector((s) => s.stopped);
  const [filter, setFilter] = useState<InspectorFilter>({ app: forApp ?? '', api: '', mt: '', kind: 'all', level: '' });
  const [selected, setSelected] = useState<number | undefined>(undefined);
  // Opened again for another app (or for all) while open: the app filter follows.
  useEffect(() => setFilter((f) => ({ ...f, app: forApp ?? '' })), [forApp]);
  const [copied, setCopied] = useState(false);

  const apps = useMemo(() => [...new Set(entries.flatMap((e) => (e.kind === 'message' && e.peer ? [e.app.name, e.peer.name] : [e.app.name])))].sort(), [entries]);
  const apis = useMemo(() => [...new Set(entries.flatMap((e) => (e.kind === 'message' && e.api !== undefined ? [e.api] : [])))].sort(), [entries]);
  const matching = useMemo(() => entries.filter((e) => entryMatches(e, filter)), [entries, filter]);
  const rows = matching.length > MAX_ROWS ? matching.slice(matching.length - MAX_ROWS) : matching;
  const chosen = selected === undefined ? undefined : entries.find((e) => e.seq === selected);
  const clock = useMemo(() => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false }), [locale]);

  const change = (patch: Partial<InspectorFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const copy = async (entry: InspectorEntry) => {
    await navigator.clipboard.writeText(detailText(entry));
    setCopied(true);
  };
  const download = () => {
    const blob = new Blob([exportLines(entries)], { type: 'application/x-ndjson' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `myapps-inspector-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };

  return (
    <aside className="inspector" aria-labelledby={`${id}-title`}>
      <div className="inspector-head">
        <h2 id={`${id}-title`}>{t('inspector.title')}</h2>
        <button type="button" className="button" onClick={closeInspector}>
          {t('inspector.close')}
        </button>
      </div>
      <p className="inspector-note">{t('inspector.redactedNote')}</p>
      {error !== undefined && <ErrorAlert failure={{ error }} />}
      {stopped && <p role="alert">{t('inspector.stopped')}</p>}
      <div className="inspector-filters">
        <label>
          {t('inspector.filterApp')}
          <select value={filter.app} onChange={(e) => change({ app: e.target.value })}>
            <option value="">{t('inspector.allApps')}</option>
            {[...new Set([...apps, ...(filter.app ? [filter.app] : [])])].map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('inspector.filterApi')}
          <select value={filter.api} onChange={(e) => change({ api: e.target.value })}>
            <option value="">{t('inspector.allApis')}</option>
            {apis.map((api) => (
              <option key={api} value={api}>
                {api}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('inspector.filterMt')}
          <input type="search" value={filter.mt} onChange={(e) => change({ mt: e.target.value })} />
        </label>
        <label>
          {t('inspector.filterKind')}
          <select value={filter.kind} onChange={(e) => change({ kind: e.target.value as InspectorFilter['kind'] })}>
            {kinds.map(([kind, label]) => (
              <option key={kind} value={kind}>
                {t(label)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('inspector.filterLevel')}
          <select value={filter.level} onChange={(e) => change({ level: e.target.value as InspectorFilter['level'] })}>
            <option value="">{t('inspector.levelAll')}</option>
            {levels.map((level) => (
              <option key={level} value={level}>
                {level}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="button-row">
        <button type="button" className="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? t('inspector.resume', { count: held }) : t('inspector.pause')}
        </button>
        <button type="button" className="button" onClick={() => {
          clearInspector();
          setSelected(undefined);
        }}>
          {t('inspector.clear')}
        </button>
        <button type="button" className="button" onClick={download}>
          {t('inspector.export')}
        </button>
      </div>
      <p className="inspector-count" aria-live="polite">
        {entries.length === 0 ? t('inspector.empty') : matching.length === 0 ? t('inspector.noMatch') : t('inspector.shown', { shown: rows.length, count: matching.length })}
      </p>
      <ol className="inspector-list" aria-label={t('inspector.list')}>
        {rows.map((e) => (
          <li key={e.seq}>
            <button type="button" className="inspector-row" aria-pressed={e.seq === selected} data-kind={e.kind} onClick={() => {
              setSelected(e.seq);
              setCopied(false);
            }}>
              <span className="inspector-time">{clock.format(e.time)}</span>
              <span className="inspector-who">{who(e, t)}</span>
              <span className="inspector-what">{what(e, t)}</span>
            </button>
          </li>
        ))}
      </ol>
      <section className="inspector-detail" aria-label={t('inspector.details')}>
        {chosen ? (
          <>
            <div className="button-row">
              <span>{who(chosen, t)} · {what(chosen, t)}</span>
              <button type="button" className="button" onClick={() => void copy(chosen)}>
                {copied ? t('inspector.copied') : t('inspector.copy')}
              </button>
            </div>
            <pre className="inspector-json">{detailText(chosen)}</pre>
          </>
        ) : (
          <p>{t('inspector.selectHint')}</p>
        )}
      </section>
    </aside>
  );
}

type T = ReturnType<typeof useI18n>['t'];

function who(e: InspectorEntry, t: T): string {
  if (e.kind === 'console') return e.app.name;
  const path = e.path === 'direct' ? ` (${t('inspector.direct')})` : '';
  if (e.direction === 'app→client') return t('inspector.toClient', { app: e.app.name });
  if (e.direction === 'client→app') return t('inspector.toApp', { app: e.app.name });
  return t('inspector.between', { app: e.app.name, peer: e.peer?.name ?? '?' }) + path;
}

function what(e: InspectorEntry, t: T): string {
  if (e.kind === 'console') return `${t('inspector.console', { level: e.level })} ${e.text.length > 200 ? `${e.text.slice(0, 200)}…` : e.text}`;
  return [e.mt || '—', e.api, e.src !== undefined ? `src ${e.src}` : undefined, t('inspector.size', { size: e.size })].filter(Boolean).join(' · ');
}

/** What a selected entry shows and what Copy copies: the message pretty-printed, or the console line. */
function detailText(e: InspectorEntry): string {
  if (e.kind === 'console') return e.source ? `${e.text}\n\n${e.source}` : e.text;
  return typeof e.body === 'string' ? e.body : JSON.stringify(e.body, null, 2);
}
