import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { appPermissionNames, type AppPermission, type AppPermissionEntry, type RunningApp } from '../../../main/core/bridge/views.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useHidingOverlay } from '../overlays.js';
import { permissionGroups, permissionLabel, permissionWords } from '../permissions.js';
import { useUi } from '../store.js';

const noEntries: AppPermissionEntry[] = [];

/** `notAllowed`: nobody decided yet, so it can be asked for; `denied`: the user said no (Settings can forget it). */
type PermissionState = 'allowed' | 'notAllowed' | 'denied' | 'blocked';
const stateText: Record<PermissionState, MessageKey> = {
  allowed: 'apps.permissionsAllowed',
  notAllowed: 'apps.permissionsNotAllowed',
  denied: 'apps.permissionsDenied',
  blocked: 'apps.permissionsBlocked',
};

/**
 * "Permissions" of the app in front (security control 16): what it may use now
 * (`app.granted`), and a way to ask for what it may not — in the browser shell the page cannot
 * see an app's own request, so the user starts it here; the core then asks as for any request
 * (the permission prompt). What IT blocked, or the user refused before, is shown as such with
 * nothing to ask (the core would not ask again): a refusal is forgotten in Settings.
 * A pop-up like the presence menu: Escape or a click outside closes it.
 */
export function AppPermissionsMenu({ app, onRequest }: { app: RunningApp; onRequest: (permissions: AppPermission[]) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const entries = useUi((s) => s.snapshot?.settings.appPermissions ?? noEntries);
  const [open, setOpen] = useState(false);
  const id = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const firstRef = useRef<HTMLButtonElement>(null);
  useHidingOverlay(open);

  useEffect(() => {
    if (!open) return;
    firstRef.current?.focus();
    const onPointerDown = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const stateOf = (p: AppPermission): PermissionState => {
    if (app.granted.includes(p)) return 'allowed';
    const decided = entries.find((e) => e.app === app.name && e.permission === p && e.state === 'denied');
    return decided ? (decided.locked ? 'blocked' : 'denied') : 'notAllowed';
  };
  const asks = permissionGroups.map((group) => group.filter((p) => stateOf(p) === 'notAllowed')).filter((group) => group.length > 0);

  const close = () => {
    setOpen(false);
    triggerRef.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open) {
      e.stopPropagation();
      close();
    }
  };
  // Close first, so the prompt that follows returns focus to the trigger.
  const ask = (permissions: AppPermission[]) => {
    close();
    onRequest(permissions);
  };

  return (
    <div className="menu-anchor" ref={rootRef} onKeyDown={onKeyDown}>
      <button ref={triggerRef} type="button" className="button" aria-expanded={open} aria-controls={open ? `${id}-panel` : undefined} onClick={() => setOpen((o) => !o)}>
        {t('apps.permissions')}
      </button>
      {open && (
        <div id={`${id}-panel`} className="popover" role="dialog" aria-label={t('apps.permissionsDialog', { title: app.title })}>
          <ul className="permission-states">
            {appPermissionNames.map((p) => (
              <li key={p}>
                <span>{permissionLabel(i18n, p)}</span>
                <span className={`permission-state permission-${stateOf(p)}`}>{t(stateText[stateOf(p)])}</span>
              </li>
            ))}
          </ul>
          {asks.length > 0 && (
            <>
              <p className="hint">{t('apps.permissionsHint')}</p>
              <div className="button-row">
                {asks.map((group, i) => (
                  <button key={group.join(' ')} ref={i === 0 ? firstRef : undefined} type="button" className="button" onClick={() => ask(group)}>
                    {group.length === 1 && group[0] === 'screen' ? t('apps.permissionsAskScreen') : t('apps.permissionsAsk', { permissions: permissionWords(i18n, group) })}
                  </button>
                ))}
              </div>
            </>
          )}
        </div>
      )}
    </div>
  );
}
