import { memo, useMemo } from 'react';
import { statusFramePagePath, statusFramePageQuery } from '../../../main/core/bridge/status-frame.js';
import type { StatusInfoView } from '../../../main/core/bridge/views.js';
import { shellToken } from '../bridge.js';
import { useI18n } from '../i18n.js';
import { invoke, useUi } from '../store.js';

const none: StatusInfoView[] = [];

/**
 * The status strip: what apps in the background show there (`ShowStatusInfo`, e.g. the Phone
 * app's call while the user works elsewhere), each in a frame of our status-frame page, which
 * frames the app's page sandboxed (main/core/bridge/status-frame.ts). A page is hidden while its
 * own app is in front — the app shows it then — but stays mounted, so it is not reloaded each
 * time. Its app's name brings the app to the front.
 *
 * The wrapper is always rendered (a row of the page's grid), empty when there is nothing to
 * show. In Electron the strip is part of the UI page, outside the app view's placeholder, so no
 * app view covers it.
 */
export function StatusInfos({ shownViewId }: { shownViewId: string | undefined }) {
  const { t } = useI18n();
  const statusInfos = useUi((s) => s.snapshot?.statusInfos ?? none);
  const anyShown = statusInfos.some((info) => info.viewId !== shownViewId);
  return (
    <div className="status-infos-row">
      {statusInfos.length > 0 && (
        <section className="status-infos" aria-label={t('statusInfo.label')} hidden={!anyShown}>
          <ul>
            {statusInfos.map((info) => (
              <StatusInfo key={`${info.viewId}\n${info.id}`} info={info} hidden={info.viewId === shownViewId} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

const StatusInfo = memo(function StatusInfo({ info, hidden }: { info: StatusInfoView; hidden: boolean }) {
  const { t } = useI18n();
  // Browser shell: every page of ours needs the run's token (Electron's pages ignore it).
  const src = useMemo(() => `.${statusFramePagePath}${statusFramePageQuery(info.url, info.title)}&token=${encodeURIComponent(shellToken())}`, [info.url, info.title]);
  return (
    <li className="status-info" hidden={hidden}>
      <button type="button" className="status-info-app" aria-label={t('statusInfo.show', { title: info.title })} onClick={() => void invoke({ type: 'showApp', viewId: info.viewId })}>
        {info.title}
      </button>
      <iframe className="status-info-frame" src={src} title={t('statusInfo.frame', { title: info.title })} referrerPolicy="no-referrer" />
    </li>
  );
});
