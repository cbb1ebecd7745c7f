/**
 * The home screen's search (renderer/src/search.ts): the filter the windowed grid shows, and
 * what Enter opens — in particular while the results on screen lag the typing (they are
 * rendered deferred, so a fast typist can press Enter before they caught up).
 */
import { describe, expect, it } from 'vitest';
import type { Tile } from '../../main/core/bridge/views.js';
import { enterTarget, search } from '../../renderer/src/search.js';

const tile = (name: string, title: string, text = ''): Tile => ({ name, title, text, url: `https://apps.example.com/${name}/${name}`, website: false });
const tiles = [tile('contacts', 'Contacts', 'Address book'), tile('phone', 'Phone'), tile('chat', 'Team Chat'), tile('__proto__', 'Odd name')];

describe('home search', () => {
  it('filters by title, name or description, case-folded by the caller; all tiles when not searching', () => {
    expect(search(tiles, '')).toEqual([0, 1, 2, 3]);
    expect(search(tiles, 'chat')).toEqual([2]);
    expect(search(tiles, 'address')).toEqual([0]);
    expect(search(tiles, '__proto__')).toEqual([3]);
    expect(search(tiles, 'nothing like it')).toEqual([]);
  });

  it('Enter opens the first result of what was typed, even when the results shown are a keystroke behind', () => {
    // On screen: the results for "p" (Phone, and __proto__ by its name); typed already: "ph".
    const shown = { needle: 'p', results: search(tiles, 'p') };
    expect(shown.results.map((i) => tiles[i]!.name)).toEqual(['phone', '__proto__']);
    expect(enterTarget(tiles, 'ph', shown, -1)?.name).toBe('phone');
    // On screen: the results for "o" (Contacts first); typed already: "odd", which only __proto__'s title has.
    expect(enterTarget(tiles, 'odd', { needle: 'o', results: search(tiles, 'o') }, -1)?.name).toBe('__proto__');
  });

  it('a selection made with the arrows wins; nothing typed and nothing selected opens nothing; no match opens nothing', () => {
    const shown = { needle: 'a', results: search(tiles, 'a') };
    expect(enterTarget(tiles, 'a', shown, 1)?.name).toBe(tiles[shown.results[1]!]!.name);
    expect(enterTarget(tiles, '', { needle: '', results: search(tiles, '') }, -1)).toBeUndefined();
    expect(enterTarget(tiles, '', { needle: '', results: search(tiles, '') }, 2)?.name).toBe('chat');
    expect(enterTarget(tiles, 'zzz', shown, -1)).toBeUndefined();
  });
});
