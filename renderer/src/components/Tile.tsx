import { memo, useState } from 'react';
import type { ContactPresence } from '../../../main/core/bridge/views.js';
import { useI18n } from '../i18n.js';
import { contactPresenceKind } from '../presence.js';
import { httpUrl } from '../urls.js';
import { GlobeIcon, PinIcon } from './Icons.js';
import { PresenceDot } from './PresenceDot.js';

export interface TileProps {
  /** DOM id of the tile button, for the search box's aria-activedescendant. */
  id: string;
  /** App Object name (pinning) and the app link to open. */
  name: string;
  link: string;
  title: string;
  description: string;
  iconUrl: string | undefined;
  website: boolean;
  badge: string | undefined;
  /** Only for home links with `#s=`: the presence shown on the tile (undefined = not known yet). */
  showPresence: boolean;
  presence: ContactPresence | undefined;
  active: boolean;
  hidden: boolean;
  onOpen: (link: string) => void;
  /** Edit mode: a pin toggle next to the tile. */
  pinnable: boolean;
  pinned: boolean;
  onTogglePin: ((name: string) => void) | undefined;
}

/**
 * One app tile. Memoised with primitive props (plus the stable presence object), so typing
 * in the search box only re-renders the tiles whose visibility or selection changed.
 * Badge, presence and pin sit next to the button, not in it, so the button's accessible
 * name stays exactly the title; badge and presence are tied to it by aria-describedby.
 */
export const Tile = memo(function Tile(props: TileProps) {
  const { id, name, link, title, description, badge, showPresence, presence, active, hidden, onOpen, pinnable, pinned, onTogglePin } = props;
  const { t } = useI18n();
  const describedBy = [badge && `${id}-badge`, showPresence && `${id}-presence`].filter(Boolean).join(' ') || undefined;
  return (
    <li className="tile-cell" hidden={hidden}>
      <button
        id={id}
        type="button"
        className={active ? 'tile tile-active' : 'tile'}
        title={description || undefined}
        aria-describedby={describedBy}
        onClick={() => onOpen(link)}
      >
        <TileIcon key={props.iconUrl} title={title} name={name} iconUrl={props.website ? undefined : props.iconUrl} website={props.website} />
        <span className="tile-title">{title}</span>
      </button>
      {badge && (
        <span id={`${id}-badge`} className="badge" role="img" aria-label={t('tile.badge', { count: badge })}>
          {badge}
        </span>
      )}
      {showPresence && <PresenceDot id={`${id}-presence`} kind={contactPresenceKind(presence)} />}
      {pinnable && onTogglePin && (
        <button type="button" className="pin" aria-pressed={pinned} aria-label={t('home.pin', { title })} onClick={() => onTogglePin(name)}>
          <PinIcon />
        </button>
      )}
    </li>
  );
});

/** The app's icon, or — for websites and icons that fail to load — a monogram of its title. */
function TileIcon({ title, name, iconUrl, website }: { title: string; name: string; iconUrl: string | undefined; website: boolean }) {
  const [failed, setFailed] = useState(false);
  const src = httpUrl(iconUrl);
  if (src && !failed) {
    return <img className="tile-icon" src={src} alt="" draggable={false} loading="lazy" decoding="async" onError={() => setFailed(true)} />;
  }
  return (
    <span className={`tile-icon monogram monogram-${paletteIndex(name)}`} aria-hidden="true">
      {monogram(title || name)}
      {website && (
        <span className="monogram-globe">
          <GlobeIcon />
        </span>
      )}
    </span>
  );
}

/** First letters of the first two words ("Team Chat" → "TC"), whole characters (emoji-safe). */
function monogram(title: string): string {
  const words = title.trim().split(/\s+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((word) => Array.from(word)[0] ?? '')
    .join('')
    .toUpperCase();
}

const paletteSize = 8;

/** A stable colour per app, so monograms stay recognisable between sessions. */
function paletteIndex(name: string): number {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash % paletteSize;
}
