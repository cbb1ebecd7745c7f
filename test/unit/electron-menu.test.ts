/** Control 13 for the shell window: Reload and DevTools appear only in developer mode. */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../main/electron/menu.js';

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [...(i.role ? [i.role] : []), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);
}

const noop = () => {};

describe('menuTemplate', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    it(`${platform}: no reload or DevTools outside developer mode`, () => {
      const r = roles(menuTemplate({ platform, developerMode: false, openLogFolder: noop }));
      expect(r).not.toContain('toggleDevTools');
      expect(r).not.toContain('reload');
      expect(r).not.toContain('forceReload');
      expect(r).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll', 'undo', 'redo', 'windowMenu', 'help']));
    });

    it(`${platform}: reload and DevTools in developer mode`, () => {
      expect(roles(menuTemplate({ platform, developerMode: true, openLogFolder: noop }))).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
    });
  }

  it('macOS gets the app menu, others a File menu with Quit', () => {
    expect(menuTemplate({ platform: 'darwin', developerMode: false, openLogFolder: noop })[0]!.role).toBe('appMenu');
    const first = menuTemplate({ platform: 'linux', developerMode: false, openLogFolder: noop })[0]!;
    expect(first.label).toBe('File');
    expect(roles([first])).toEqual(['quit']);
  });

  it('Help → Open Log Folder calls back', () => {
    let opened = 0;
    const help = menuTemplate({ platform: 'linux', developerMode: false, openLogFolder: () => opened++ }).find((m) => m.role === 'help')!;
    const item = (help.submenu as MenuItemConstructorOptions[]).find((i) => i.label === 'Open Log Folder')!;
    (item.click as () => void)();
    expect(opened).toBe(1);
  });
});
