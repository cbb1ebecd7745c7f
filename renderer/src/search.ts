/**
 * The home screen's search: an index filter over the catalogue (the grid shows the indexes it
 * returns), and what Enter opens. Pure, so it is tested without a browser.
 */
import type { Tile } from '../../main/core/bridge/views.js';

/** Each tile's search text, lowercased once per tile object (a changed tile is a new object). */
const haystacks = new WeakMap<Tile, string>();
function haystack(tile: Tile): string {
  let text = haystacks.get(tile);
  if (text === undefined) {
    text = `${tile.title}\n${tile.name}\n${tile.text}`.toLowerCase();
    haystacks.set(tile, text);
  }
  return text;
}

/** Indexes into `tiles` of those whose title, name or description contains `needle` (lowercase). */
export function search(tiles: Tile[], needle: string): number[] {
  if (!needle) return tiles.map((_, i) => i);
  const found: number[] = [];
  for (let i = 0; i < tiles.length; i++) if (haystack(tiles[i]!).includes(needle)) found.push(i);
  return found;
}

/**
 * The tile Enter opens: the selected result (`active`, -1 for none), or the first one when
 * something was typed — of what was TYPED, even when the results on screen (`shown`, rendered
 * deferred) are still those of an earlier keystroke. Nothing when nothing is typed or selected.
 */
export function enterTarget(tiles: Tile[], typed: string, shown: { needle: string; results: number[] }, active: number): Tile | undefined {
  if (!typed && active < 0) return undefined;
  const current = typed === shown.needle ? shown.results : search(tiles, typed);
  return tiles[current[Math.max(active, 0)] ?? -1];
}
