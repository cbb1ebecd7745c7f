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
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { own } from '../../../main/core/bridge/records.js';
import type { Tile as TileView } from '../../../main/core/bridge/views.js';
import { Tile } from './Tile.js';

/** Keep in step with `.tile-grid` in styles.css. */
const minTileWidth = 112;
const gap = 12;
/** A tile with a two-line title, before the row is measured. */
const estimatedRowHeight = 120;

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

function offsetIn(el: HTMLElement, scroller: HTMLElement): number {
  return el.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
}

export const TileGrid = memo(function TileGrid(props: TileGridProps) {
  const { tiles, results, active, badges, onOpen, pinned, onTogglePin } = props;
  const gridRef = useRef<HTMLDivElement>(null);
  const [scroller, setScroller] = useState<HTMLElement | null>(null);
  const [width, setWidth] = useState(0);
  /** Where the grid starts in the scroller's content (the home links and headings come first). */
  const [margin, setMargin] = useState(0);

  useLayoutEffect(() => {
    const grid = gridRef.current;
    if (!grid) return;
    const found = scrollParent(grid);
    // All three at once: one more render before the first paint, not one per measurement.
    setScroller(found);
    setWidth(grid.clientWidth);
    if (found) setMargin(offsetIn(grid, found));
    const observer = new ResizeObserver(() => setWidth(grid.clientWidth));
    observer.observe(grid);
    return () => observer.disconnect();
  }, []);

  // What sits above the grid changes with the search (home links hide) and the data: measured
  // before paint when the screen says it may have moved (`aboveKey`) or the grid was resized —
  // not after every render, where reading the layout would force one per keystroke.
  useLayoutEffect(() => {
    const grid = gridRef.current;
    if (!grid || !scroller) return;
    const top = offsetIn(grid, scroller);
    setMargin((m) => (Math.abs(m - top) < 0.5 ? m : top));
  }, [props.aboveKey, scroller, width]);

  const columns = columnsFor(width);
  const rows = Math.ceil(results.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller,
    estimateSize: () => estimatedRowHeight,
    gap,
    overscan: 2,
    scrollMargin: margin,
  });

  // The selection follows the arrows into rows that are not in the DOM yet.
  const activeRow = active < 0 ? -1 : Math.floor(active / columns);
  useEffect(() => {
    if (activeRow >= 0 && activeRow < rows) virtualizer.scrollToIndex(activeRow, { align: 'auto' });
  }, [activeRow, rows, virtualizer]);

  const measure = useCallback((el: HTMLDivElement | null) => virtualizer.measureElement(el), [virtualizer]);

  return (
    <div ref={gridRef} id={props.id} role="list" aria-labelledby={props.labelledBy} className="tile-window" style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((row) => {
        const first = row.index * columns;
        const cells = results.slice(first, first + columns);
        return (
          <div
            key={row.key}
            ref={measure}
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
