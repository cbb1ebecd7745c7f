import { memo } from 'react';
import type { ContactPresence } from '../../../main/core/bridge/views.js';
import { useI18n } from '../i18n.js';
import { contactPresenceKind } from '../presence.js';
import { AppIcon } from './AppIcon.js';
import { PinIcon } from './Icons.js';
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
  /** In the windowed grid: the tile's place in the whole list, which is mostly not in the DOM (1-based). */
  posInSet?: number;
  setSize?: number;
  onOpen: (link: string) => void;
  /** Edit mode: a pin toggle next to the tile. */
  pinnable: boolean;
  pinned: boolean;
  onTogglePin: ((name: string) => void) | undefined;
}

/**
 * One app tile. Memoised with primitive props (plus the stable presence object), so typing
 * in the search box only re-renders the tiles whose place or selection changed.
 * Badge, presence and pin sit next to the button, not in it, so the button's accessible
 * name stays exactly the title; badge and presence are tied to it by aria-describedby.
 */
export const Tile = memo(function Tile(props: TileProps) {
  const { id, name, link, title, description, badge, showPresence, presence, active, posInSet, setSize, onOpen, pinnable, pinned, onTogglePin } = props;
  const { t } = useI18n();
  // In a list of the grid's own (role="list" over rows), a div with the listitem role; elsewhere an <li>.
  const Cell = posInSet === undefined ? 'li' : 'div';
  const describedBy = [badge && `${id}-badge`, showPresence && `${id}-presence`].filter(Boolean).join(' ') || undefined;
  return (
    <Cell className="tile-cell" {...(posInSet !== undefined && { role: 'listitem', 'aria-posinset': posInSet, 'aria-setsize': setSize })}>
      <button
        id={id}
        type="button"
        className={active ? 'tile tile-active' : 'tile'}
        title={description || undefined}
        aria-describedby={describedBy}
        onClick={() => onOpen(link)}
      >
        <AppIcon key={props.iconUrl} className="tile-icon" title={title} name={name} iconUrl={props.website ? undefined : props.iconUrl} website={props.website} />
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
    </Cell>
  );
});
