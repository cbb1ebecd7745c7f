import { useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { appPermissionNames, type AppPermissionEntry, type DefaultProviderEntry, type SettingsView, type Tile, type UpdatesView } from '../../../main/core/bridge/views.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { LockNote } from '../components/LockNote.js';
import { MemorySettings } from '../components/MemorySettings.js';
import { desktopPermission, requestDesktopPermission } from '../desktopNotifications.js';
import { languageChoices, useI18n, type MessageKey } from '../i18n.js';
import { openInspector } from '../inspector/store.js';
import { permissionLabel, permissionWord } from '../permissions.js';
import { useUi } from '../store.js';
import { useCommand } from '../useCommand.js';

const noTiles: Tile[] = [];

type EffectiveKey = SettingsView['locked'][number];

/** The user settings this screen changes (a subset of what updateSettings accepts). */
interface Editable {
  language: string;
  scheme: 'light' | 'dark' | 'system';
  developerMode: boolean;
  appDevTools: boolean;
  startMinimized: boolean;
  autostart: boolean;
  confirmCalls: boolean;
  updateChannel: 'stable' | 'beta';
  unloadIdleAppsAfterMinutes: number;
  mutedApps: string[];
}

export function Settings() {
  const settings = useUi((s) => s.snapshot?.settings);
  if (!settings) return null;
  return <SettingsScreen settings={settings} />;
}

function SettingsScreen({ settings }: { settings: SettingsView }) {
  const { t } = useI18n();
  const tiles = useUi((s) => s.snapshot?.apps?.tiles ?? noTiles);
  const updates = useUi((s) => s.snapshot?.updates);
  const framesShell = useUi((s) => s.snapshot?.shell.appViews === 'frames');
  const { failure, run } = useCommand();
  // Changes show at once (a checkbox stays checked, as users and test tools expect) while the
  // core saves them. A pending value gives way once the core reports it, or when the core
  // refuses the change (then the value in force shows again).
  const [pending, setPending] = useState<Partial<Editable>>({});
  const inForce = useMemo((): Editable => ({ ...settings.values, mutedApps: settings.mutedApps }), [settings]);
  useEffect(() => setPending((p) => unconfirmed(p, inForce)), [inForce]);
  const value: Editable = { ...inForce, ...unconfirmed(pending, inForce) };

  const update = async (patch: Partial<Editable>) => {
    setPending((p) => ({ ...p, ...patch }));
    const result = await run({ type: 'updateSettings', patch });
    if (!result.ok) setPending((p) => Object.fromEntries(Object.entries(p).filter(([key]) => !(key in patch))));
  };

  const lock = (key: EffectiveKey) => (settings.locked.includes(key) ? settings.policySource ?? '' : undefined);

  return (
    <div className="screen settings">
      <h1 tabIndex={-1}>{t('settings.heading')}</h1>
      <ErrorAlert failure={failure} />

      <section className="card settings-group">
        <h2>{t('settings.general')}</h2>
        <LanguageSelect value={value.language} locked={lock('language')} onChange={(language) => void update({ language })} />
        <SchemeChoice value={value.scheme} locked={lock('scheme')} onChange={(scheme) => void update({ scheme })} />
      </section>

      <section className="card settings-group">
        <h2>{t('settings.startup')}</h2>
        <Switch label="settings.startMinimized" checked={value.startMinimized} locked={lock('startMinimized')} onChange={(startMinimized) => void update({ startMinimized })} />
        <Switch label="settings.autostart" checked={value.autostart} locked={lock('autostart')} onChange={(autostart) => void update({ autostart })} />
      </section>

      <section className="card settings-group">
        <h2>{t('settings.calls')}</h2>
        <Switch
          label="settings.confirmCalls"
          hint="settings.confirmCallsHint"
          checked={value.confirmCalls}
          locked={lock('confirmCalls')}
          onChange={(confirmCalls) => void update({ confirmCalls })}
        />
      </section>

      <MemorySettings minutes={value.unloadIdleAppsAfterMinutes} locked={lock('unloadIdleAppsAfterMinutes')} onMinutes={(unloadIdleAppsAfterMinutes) => void update({ unloadIdleAppsAfterMinutes })} />
      <DefaultApps entries={settings.defaultProviders} tiles={tiles} policySource={settings.policySource} />
      {updates && <Updates updates={updates} channel={value.updateChannel} channelLock={lock('updateChannel')} onChannel={(updateChannel) => void update({ updateChannel })} />}

      <section className="card settings-group">
        <h2>{t('settings.developer')}</h2>
        <Switch label="settings.developerMode" checked={value.developerMode} locked={lock('developerMode')} onChange={(developerMode) => void update({ developerMode })} />
        <Switch
          label="settings.appDevTools"
          hint="settings.appDevToolsHint"
          checked={value.appDevTools}
          locked={lock('appDevTools')}
          onChange={(appDevTools) => void update({ appDevTools })}
        />
        {value.developerMode && (
          <div>
            <button type="button" className="button" onClick={() => openInspector()}>
              {t('inspector.openAll')}
            </button>
            <p className="hint">{t('inspector.openAllHint')}</p>
          </div>
        )}
      </section>

      {/* Electron's main process shows OS notifications itself; the page's permission is the browser's. */}
      {framesShell && <DesktopNotifications />}
      <MutedApps tiles={tiles} muted={value.mutedApps} onChange={(mutedApps) => void update({ mutedApps })} />
      <AppPermissions entries={settings.appPermissions} tiles={tiles} policySource={settings.policySource} />
    </div>
  );
}

/** The pending changes the core does not report as in force yet. */
function unconfirmed(pending: Partial<Editable>, inForce: Editable): Partial<Editable> {
  const open = Object.entries(pending).filter(([key, v]) => JSON.stringify(v) !== JSON.stringify(inForce[key as keyof Editable]));
  return open.length === Object.keys(pending).length ? pending : (Object.fromEntries(open) as Partial<Editable>);
}

/** A setting's lock: `undefined` when the user may change it, else the policy source (for the tooltip). */
type Lock = string | undefined;

function LanguageSelect({ value, locked, onChange }: { value: string; locked: Lock; onChange: (language: string) => void }) {
  const { t } = useI18n();
  const id = useId();
  const known = value === 'auto' || languageChoices.some(([code]) => code === value);
  return (
    <div className="field">
      <label htmlFor={id}>{t('settings.language')}</label>
      <select id={id} value={value} disabled={locked !== undefined} aria-describedby={locked !== undefined ? `${id}-lock` : undefined} onChange={(e) => onChange(e.target.value)}>
        <option value="auto">{t('settings.languageAuto')}</option>
        {languageChoices.map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
        {/* A code set by IT or an older version stays visible rather than silently shown as another. */}
        {!known && <option value={value}>{value}</option>}
      </select>
      {locked !== undefined && <LockNote id={`${id}-lock`} source={locked} />}
    </div>
  );
}

const schemes: { value: Editable['scheme']; label: MessageKey }[] = [
  { value: 'light', label: 'settings.scheme.light' },
  { value: 'dark', label: 'settings.scheme.dark' },
  { value: 'system', label: 'settings.scheme.system' },
];

function SchemeChoice({ value, locked, onChange }: { value: Editable['scheme']; locked: Lock; onChange: (scheme: Editable['scheme']) => void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <fieldset className="field radio-group" disabled={locked !== undefined} aria-describedby={locked !== undefined ? `${id}-lock` : undefined}>
      <legend>{t('settings.scheme')}</legend>
      <div className="radio-row">
        {schemes.map((scheme) => (
          <label key={scheme.value} className="radio">
            <input type="radio" name={id} value={scheme.value} checked={value === scheme.value} onChange={() => onChange(scheme.value)} />
            {t(scheme.label)}
          </label>
        ))}
      </div>
      {locked !== undefined && <LockNote id={`${id}-lock`} source={locked} />}
    </fieldset>
  );
}

function Switch(props: { label: MessageKey; hint?: MessageKey; checked: boolean; locked: Lock; onChange: (checked: boolean) => void }) {
  const { t } = useI18n();
  const id = useId();
  const described = [props.hint && `${id}-hint`, props.locked !== undefined && `${id}-lock`].filter(Boolean).join(' ') || undefined;
  return (
    <div className="switch-row">
      <label htmlFor={id}>{t(props.label)}</label>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={props.checked}
        disabled={props.locked !== undefined}
        aria-describedby={described}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      {props.hint && (
        <span id={`${id}-hint`} className="hint">
          {t(props.hint)}
        </span>
      )}
      {props.locked !== undefined && <LockNote id={`${id}-lock`} source={props.locked} />}
    </div>
  );
}

/** The browser's permission for OS notifications, asked only when the user presses the button. */
function DesktopNotifications() {
  const { t } = useI18n();
  const hintId = useId();
  const [permission, setPermission] = useState(desktopPermission);
  let body: ReactNode;
  switch (permission) {
    case 'default':
      body = (
        <button type="button" className="button" aria-describedby={hintId} onClick={() => void requestDesktopPermission().then(setPermission)}>
          {t('settings.desktopNotificationsEnable')}
        </button>
      );
      break;
    case 'granted':
      body = <p>{t('settings.desktopNotificationsOn')}</p>;
      break;
    case 'denied':
      body = <p>{t('settings.desktopNotificationsBlocked')}</p>;
      break;
    case 'unsupported':
      body = <p>{t('settings.desktopNotificationsUnsupported')}</p>;
      break;
  }
  return (
    <section className="card settings-group">
      <h2>{t('settings.desktopNotifications')}</h2>
      <p id={hintId} className="hint">
        {t('settings.desktopNotificationsHint')}
      </p>
      <div className="settings-action">{body}</div>
    </section>
  );
}

function MutedApps({ tiles, muted, onChange }: { tiles: Tile[]; muted: string[]; onChange: (mutedApps: string[]) => void }) {
  const { t, locale } = useI18n();
  const hintId = useId();
  const sorted = useMemo(() => [...tiles].sort((a, b) => a.title.localeCompare(b.title, locale)), [tiles, locale]);
  const mutedSet = new Set(muted);
  const toggle = (name: string, on: boolean) => onChange(on ? [...muted, name] : muted.filter((n) => n !== name));
  let body: ReactNode;
  if (sorted.length === 0) body = <p className="empty">{t('settings.noApps')}</p>;
  else
    body = (
      <ul className="check-list">
        {sorted.map((tile) => (
          <li key={tile.name}>
            <label className="check">
              <input type="checkbox" checked={mutedSet.has(tile.name)} onChange={(e) => toggle(tile.name, e.target.checked)} />
              {tile.title}
            </label>
          </li>
        ))}
      </ul>
    );
  return (
    <section className="card settings-group">
      <fieldset aria-describedby={hintId}>
        <legend>
          <h2>{t('settings.notifications')}</h2>
        </legend>
        <p id={hintId} className="hint">
          {t('settings.notificationsHint')}
        </p>
        {body}
      </fieldset>
    </section>
  );
}

/**
 * Security control 16: the remembered answers to permission prompts and what IT decided, per
 * App Object. "Forget" drops the user's answer (the app asks again); IT's decisions show the lock.
 */
function AppPermissions({ entries, tiles, policySource }: { entries: AppPermissionEntry[]; tiles: Tile[]; policySource: string | undefined }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const hintId = useId();
  const { failure, run } = useCommand();
  const titleOf = (app: string) => tiles.find((tile) => tile.name === app)?.title ?? app;
  const rows = entries
    .map((entry) => ({ entry, title: titleOf(entry.app) }))
    .sort((a, b) => a.title.localeCompare(b.title, locale) || appPermissionNames.indexOf(a.entry.permission) - appPermissionNames.indexOf(b.entry.permission));
  return (
    <section className="card settings-group" aria-labelledby={`${hintId}-heading`}>
      <h2 id={`${hintId}-heading`}>{t('settings.appPermissions')}</h2>
      <p id={hintId} className="hint">
        {t('settings.appPermissionsHint')}
      </p>
      {rows.length === 0 ? (
        <p className="empty">{t('settings.appPermissionsNone')}</p>
      ) : (
        <ul className="permission-entries" aria-describedby={hintId}>
          {rows.map(({ entry, title }) => (
            <PermissionEntry
              key={`${entry.app}\n${entry.permission}`}
              entry={entry}
              title={title}
              policySource={policySource}
              onForget={() => void run({ type: 'resetAppPermission', app: entry.app, permission: entry.permission })}
            />
          ))}
        </ul>
      )}
      <ErrorAlert failure={failure} />
    </section>
  );
}

function PermissionEntry({ entry, title, policySource, onForget }: { entry: AppPermissionEntry; title: string; policySource: string | undefined; onForget: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  return (
    <li className="permission-entry">
      <span className="permission-app">{title}</span>
      <span>{permissionLabel(i18n, entry.permission)}</span>
      <span className={entry.state === 'granted' ? 'permission-state permission-allowed' : 'permission-state permission-notAllowed'}>
        {t(entry.state === 'granted' ? 'settings.permissionGranted' : 'settings.permissionDenied')}
      </span>
      {entry.locked ? (
        <LockNote id={`${id}-lock`} source={policySource} />
      ) : (
        <button type="button" className="button" aria-label={t('settings.permissionForgetLabel', { permission: permissionWord(i18n, entry.permission), app: title })} onClick={onForget}>
          {t('settings.permissionForget')}
        </button>
      )}
    </li>
  );
}

// ---- desktop citizen: default apps and updates ----

/** A Client API in words: what the app is the default for. */
function apiWords(t: ReturnType<typeof useI18n>['t'], api: string): string {
  if (api === 'com.innovaphone.phone') return t('settings.defaultApps.phone');
  if (api === 'com.innovaphone.search') return t('settings.defaultApps.search');
  return api;
}

/** The app used per Client API when several could serve (the user's choice, or IT's with the lock); "Forget" asks again next time. */
function DefaultApps({ entries, tiles, policySource }: { entries: DefaultProviderEntry[]; tiles: Tile[]; policySource: string | undefined }) {
  const { t } = useI18n();
  const hintId = useId();
  const { failure, run } = useCommand();
  const titleOf = (app: string) => tiles.find((tile) => tile.name === app)?.title ?? app;
  return (
    <section className="card settings-group" aria-labelledby={`${hintId}-heading`}>
      <h2 id={`${hintId}-heading`}>{t('settings.defaultApps')}</h2>
      <p id={hintId} className="hint">
        {t('settings.defaultAppsHint')}
      </p>
      {entries.length === 0 ? (
        <p className="empty">{t('settings.defaultAppsNone')}</p>
      ) : (
        <ul className="default-apps" aria-describedby={hintId}>
          {entries.map((entry) => (
            <DefaultAppEntry key={entry.api} entry={entry} title={titleOf(entry.provider)} policySource={policySource} onForget={() => void run({ type: 'resetDefaultProvider', api: entry.api })} />
          ))}
        </ul>
      )}
      <ErrorAlert failure={failure} />
    </section>
  );
}

function DefaultAppEntry({ entry, title, policySource, onForget }: { entry: DefaultProviderEntry; title: string; policySource: string | undefined; onForget: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const use = apiWords(t, entry.api);
  return (
    <li className="default-app">
      <span className="default-app-use">{use}</span>
      <span className="default-app-title">{title}</span>
      {entry.locked ? (
        <LockNote id={`${id}-lock`} source={policySource} />
      ) : entry.source === 'user' ? (
        <button type="button" className="button" aria-label={t('settings.defaultAppForgetLabel', { app: title, use })} onClick={onForget}>
          {t('settings.defaultAppForget')}
        </button>
      ) : (
        <span className="default-app-preset">{t('settings.defaultAppPreset')}</span>
      )}
    </li>
  );
}

const updateStateText: Record<Exclude<UpdatesView['state'], 'unsupported'>, MessageKey> = {
  disabled: 'settings.updates.disabled',
  idle: 'settings.updates.idle',
  checking: 'settings.updates.checking',
  'up-to-date': 'settings.updates.up-to-date',
  available: 'settings.updates.available',
  downloading: 'settings.updates.downloading',
  ready: 'settings.updates.ready',
  error: 'settings.updates.error',
};

/** The desktop build's updates; nothing where the build has no updater (`unsupported`: the browser shell). */
function Updates({ updates, channel, channelLock, onChannel }: { updates: UpdatesView; channel: Editable['updateChannel']; channelLock: Lock; onChannel: (channel: Editable['updateChannel']) => void }) {
  const { t } = useI18n();
  const id = useId();
  const { failure, run } = useCommand();
  const { state } = updates;
  if (state === 'unsupported') return null;
  const busy = state === 'checking' || state === 'downloading';
  return (
    <section className="card settings-group" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('settings.updates')}</h2>
      <div className="update-state" role="status">
        <p>{t(updateStateText[state])}</p>
        {updates.version && (state === 'available' || state === 'downloading' || state === 'ready') && <p>{t('settings.updatesVersion', { version: updates.version })}</p>}
        {updates.detail && (state === 'disabled' || state === 'error') && <p className="hint">{updates.detail}</p>}
      </div>
      {state !== 'disabled' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-channel`}>{t('settings.updateChannel')}</label>
            <select
              id={`${id}-channel`}
              value={channel}
              disabled={channelLock !== undefined}
              aria-describedby={channelLock !== undefined ? `${id}-lock` : undefined}
              onChange={(e) => onChannel(e.target.value === 'beta' ? 'beta' : 'stable')}
            >
              <option value="stable">{t('settings.updateChannel.stable')}</option>
              <option value="beta">{t('settings.updateChannel.beta')}</option>
            </select>
            {channelLock !== undefined && <LockNote id={`${id}-lock`} source={channelLock} />}
          </div>
          <div className="button-row">
            <button type="button" className="button" disabled={busy} onClick={() => void run({ type: 'checkForUpdates' })}>
              {t('settings.updatesCheck')}
            </button>
            {state === 'ready' && (
              <button type="button" className="button button-primary" onClick={() => void run({ type: 'installUpdate' })}>
                {t('settings.updatesInstall')}
              </button>
            )}
          </div>
        </>
      )}
      {updates.pbxAnnounces && <p className="hint">{t('settings.pbxAnnounces', { version: updates.pbxAnnounces.version, build: updates.pbxAnnounces.build })}</p>}
      <ErrorAlert failure={failure} />
    </section>
  );
}
// ---- end desktop citizen ----
