/** The one rule for the client's shortcuts, shared by the UI, the app-frame page and the Electron shell. */
import { describe, expect, it } from 'vitest';
import { shortcutOf } from '../../main/core/bridge/shortcuts.js';

const press = (key: string, mods: Partial<{ ctrl: boolean; meta: boolean; alt: boolean; shift: boolean }> = {}) => ({ key, ctrl: false, meta: false, alt: false, shift: false, ...mods });

describe('shortcutOf', () => {
  it('Ctrl+K and Cmd+K are the search, in either case (Caps Lock)', () => {
    expect(shortcutOf(press('k', { ctrl: true }))).toBe('search');
    expect(shortcutOf(press('K', { ctrl: true }))).toBe('search');
    expect(shortcutOf(press('k', { meta: true }))).toBe('search');
  });

  it('nothing else: no modifier, Alt or Shift with it, another key', () => {
    for (const p of [press('k'), press('k', { ctrl: true, alt: true }), press('k', { ctrl: true, shift: true }), press('j', { ctrl: true }), press('Control', { ctrl: true }), press('k', { alt: true })]) expect(shortcutOf(p)).toBeUndefined();
  });
});
