/**
 * The "All apps" grid, windowed: with thousands of App Objects only the rows in (and just
 * around) the viewport are in the DOM. The grid measures its own width, derives the column
 * count the stylesheet would give (tiles at least 112 px wide, 12 px apart), and virtualises
 * rows of that many tiles with @tanstack/react-virtual over the screen's scroll container.
 *
 * It shows `results` — indexes into `tiles`, the search's answer — so filtering never leaves
 * hidden tiles behind. Items say their place in the whole list (aria-posinset/-setsize), so
 * a screen reader knows how many apps there are although most are not in the DOM.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { own } from '../../../main/core/bridge/records.js';
import type { Tile as TileView } from '../../../main/core/bridge/views.js';
import { Tile } from './Tile.js';

/** Keep in step with `.tile-grid` in styles.css. */
const minTileWidth = 112;
const gap = 12;
/**
 * Every tile is this tall (`.tile-cell` in styles.css; keep in step), so rows are never
 * measured: measuring each row forced a layout per row and a second render on every change.
 */
const rowHeight = 118;

export interface TileGridProps {
  id: string;
  labelledBy: string;
  /** DOM id prefix of the tiles (`<prefix><index into tiles>`), for aria-activedescendant. */
  tileIdPrefix: string;
  tiles: TileView[];
  /** Indexes into `tiles` of the tiles to show, in order. */
  results: number[];
  /** Changes whenever what sits above the grid may change height (the grid then measures where it starts). */
  aboveKey: string;
  /** Position in `results` of the search's selection, -1 for none; scrolled into view. */
  active: number;
  badges: Record<string, string>;
  onOpen: (link: string) => void;
  /** The pins of edit mode; undefined when not editing. */
  pinned: Set<string> | undefined;
  onTogglePin: (name: string) => void;
}

export function columnsFor(width: number): number {
  return Math.max(1, Math.floor((width + gap) / (minTileWidth + gap)));
}

/** The nearest ancestor that scrolls (the screen host), else the document's scroller. */
function scrollParent(el: HTMLElement | null): HTMLElement | null {
  for (let p = el?.parentElement; p; p = p.parentElement) {
    const { overflowY } = getComputedStyle(p);
    if (overflowY === 'auto' || overflowY === 'scroll') return p;
  }
  return (document.scrollingElement as HTMLElement | null) ?? null;
}

/** `next`, unless it is within half a pixel of `current` (then `current`: no render). */
function nearly(current: number, next: number): number {
  return Math.abs(current - next) < 0.5 ? current : next;
}

function offsetIn(el: HTMLElement, scroller: HTMLElement): number {
  return el.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
}

export const TileGrid = memo(function TileGrid(props: TileGridProps) {
  const { tiles, results, active, badges, onOpen, pinned, onTogglePin } = props;

  const gridRef = useRef<HTMLDivElement>(null);
  const [scroller, setScroller] = useState<HTMLElement | null>(null);
  /** 0 until the grid's width is known: no rows are laid out for a guess. */
  const [columns, setColumns] = useState(0);
  /** Where the grid starts in the scroller's content (the home links and headings come first). */
  const [margin, setMargin] = useState(0);
  /** The scroller's size when the grid first measured it, so the virtualiser starts with it. */
  const [initialRect, setInitialRect] = useState<{ width: number; height: number }>();

  // One measurement before the first paint, then again only when the grid's size changes. State
  // holds the column count, not the width: a width change that keeps the columns (a scrollbar
  // appearing once the rows are in) renders nothing.
  useLayoutEffect(() => {
    const grid = gridRef.current;
    if (!grid) return;
    const found = scrollParent(grid);
    const measure = () => {
      setColumns(columnsFor(grid.clientWidth));
      if (found) setMargin((m) => nearly(m, offsetIn(grid, found)));
    };
    setScroller(found);
    if (found) setInitialRect({ width: found.clientWidth, height: found.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(grid);
    return () => observer.disconnect();
  }, []);

  // What sits above the grid changes with the search (home links hide) and the data: measured
  // before paint when the screen says it may have moved (`aboveKey`) — not after every render,
  // where reading the layout would force one per keystroke.
  useLayoutEffect(() => {
    const grid = gridRef.current;
    if (grid && scroller) setMargin((m) => nearly(m, offsetIn(grid, scroller)));
  }, [props.aboveKey, scroller]);

  const rows = columns === 0 ? 0 : Math.ceil(results.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller,
    initialRect,
    estimateSize: () => rowHeight,
    gap,
    overscan: 2,
    scrollMargin: margin,
  });

  // The selection follows the arrows into rows that are not in the DOM yet.
  const activeRow = active < 0 || columns === 0 ? -1 : Math.floor(active / columns);
  useEffect(() => {
    if (activeRow >= 0 && activeRow < rows) virtualizer.scrollToIndex(activeRow, { align: 'auto' });
  }, [activeRow, rows, virtualizer]);

  return (
    <div ref={gridRef} id={props.id} role="list" aria-labelledby={props.labelledBy} className="tile-window" style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((row) => {
        const first = row.index * columns;
        const cells = results.slice(first, first + columns);
        return (
          <div
            key={row.key}
            data-index={row.index}
            role="none"
            className="tile-row"
            style={{ transform: `translateY(${row.start - margin}px)`, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
          >
            {cells.map((index, i) => {
              const tile = tiles[index]!;
              return (
                <Tile
                  key={tile.name}
                  id={`${props.tileIdPrefix}${index}`}
                  name={tile.name}
                  link={tile.name}
                  title={tile.title}
                  description={tile.text}
                  iconUrl={tile.iconUrl}
                  website={tile.website}
                  badge={own(badges, tile.name)}
                  showPresence={false}
                  presence={undefined}
                  active={first + i === active}
                  posInSet={first + i + 1}
                  setSize={results.length}
                  onOpen={onOpen}
                  pinnable={pinned !== undefined}
                  pinned={pinned?.has(tile.name) ?? false}
                  onTogglePin={onTogglePin}
                />
              );
            })}
          </div>
        );
      })}
    </div>
  );
});
