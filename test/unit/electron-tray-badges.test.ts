/**
 * The tray (menu, tooltip, icon variant), the badge roll-up and running in the background:
 * the pure decisions of tray.ts, badges.ts and background.ts. Their wiring to Electron is
 * tested against the stand-in (test/integration/electron-desktop.test.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { closeDecision } from '../../main/electron/background.js';
import { BadgeRollUp, badgeText, overlayDescription, overlayFile } from '../../main/electron/badges.js';
import { PRESENCE_CHOICES, trayIconFile, trayMenuTemplate, trayToolTip } from '../../main/electron/tray.js';

describe('badgeText', () => {
  it('nothing for no badge, the number up to 99, then 99+', () => {
    expect([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 0.5].map(badgeText)).toEqual(['', '', '', '', '']);
    expect([1, 2, 9, 10, 42, 99, 99.7].map(badgeText)).toEqual(['1', '2', '9', '10', '42', '99', '99']);
    expect([100, 1000, 123456].map(badgeText)).toEqual(['99+', '99+', '99+']);
  });

  it('the Windows overlay: one image per count up to 9, then 9+; a description for screen readers', () => {
    expect(overlayFile(0)).toBeUndefined();
    expect([1, 5, 9].map(overlayFile)).toEqual(['badge-1.png', 'badge-5.png', 'badge-9.png']);
    expect([10, 99, 500].map(overlayFile)).toEqual(['badge-9plus.png', 'badge-9plus.png', 'badge-9plus.png']);
    expect(overlayDescription(0)).toBe('');
    expect(overlayDescription(3)).toBe('3 new');
    expect(overlayDescription(250)).toBe('99+ new');
  });
});

describe('BadgeRollUp', () => {
  const image = (empty: boolean) => ({ isEmpty: () => empty }) as unknown as Electron.NativeImage;
  const setup = (platform: NodeJS.Platform, missing = false) => {
    const app = { setBadgeCount: vi.fn(() => true), dock: { setBadge: vi.fn() } };
    const win = { isDestroyed: () => false, setOverlayIcon: vi.fn() };
    const createFromPath = vi.fn(() => image(missing));
    const log = vi.fn();
    const rollUp = new BadgeRollUp({ platform, app, nativeImage: { createFromPath }, window: () => win as unknown as Electron.BrowserWindow, badgesDir: '/app/assets/badges', log });
    return { app, win, createFromPath, log, rollUp };
  };

  it('macOS: the dock badge text, only on changes', () => {
    const { app, rollUp } = setup('darwin');
    rollUp.update(3);
    rollUp.update(3);
    rollUp.update(120);
    rollUp.update(0);
    expect(app.dock.setBadge.mock.calls).toEqual([['3'], ['99+'], ['']]);
    expect(app.setBadgeCount).not.toHaveBeenCalled();
  });

  it('Windows: the taskbar overlay with its description; none at zero', () => {
    const { win, createFromPath, rollUp } = setup('win32');
    rollUp.update(2);
    rollUp.update(12);
    rollUp.update(0);
    expect(createFromPath.mock.calls).toEqual([['/app/assets/badges/badge-2.png'], ['/app/assets/badges/badge-9plus.png']]);
    expect(win.setOverlayIcon.mock.calls.map(([img, text]) => [img === null ? null : 'image', text])).toEqual([
      ['image', '2 new'],
      ['image', '12 new'],
      [null, ''],
    ]);
  });

  it('Windows without the image: no overlay (null), the description still says the count, and a log line', () => {
    const { win, log, rollUp } = setup('win32', true);
    rollUp.update(4);
    expect(win.setOverlayIcon).toHaveBeenCalledWith(null, '4 new');
    expect(log).toHaveBeenCalledWith('warn', expect.stringMatching(/badge image is missing/), { file: 'badge-4.png' });
  });

  it('Linux: the launcher count', () => {
    const { app, rollUp } = setup('linux');
    rollUp.update(7);
    rollUp.update(0);
    expect(app.setBadgeCount.mock.calls).toEqual([[7], [0]]);
  });
});

describe('the tray', () => {
  const actions = { open: vi.fn(), setPresence: vi.fn(), quit: vi.fn() };

  it('the menu: Open, the four presence choices (checked as now, enabled while logged in), Quit', () => {
    const menu = trayMenuTemplate({ loggedIn: true, presence: { activity: 'busy', note: 'in a meeting' }, badgeTotal: 0 }, actions);
    expect(menu.map((i) => i.label ?? i.type)).toEqual(['Open myApps', 'separator', 'Available', 'Away', 'Busy', 'Do not disturb', 'separator', 'Quit']);
    const presence = menu.filter((i) => i.type === 'radio');
    expect(presence.map((i) => [i.label, i.checked, i.enabled])).toEqual([
      ['Available', false, true],
      ['Away', false, true],
      ['Busy', true, true],
      ['Do not disturb', false, true],
    ]);
    presence[3]!.click!({} as never, undefined, {} as never);
    expect(actions.setPresence).toHaveBeenCalledWith('dnd', 'in a meeting');
    menu.at(-1)!.click!({} as never, undefined, {} as never);
    expect(actions.quit).toHaveBeenCalled();
    menu[0]!.click!({} as never, undefined, {} as never);
    expect(actions.open).toHaveBeenCalled();
    expect(PRESENCE_CHOICES.map((c) => c.activity)).toEqual(['', 'away', 'busy', 'dnd']);
  });

  it('logged out: presence shows nothing checked and cannot be chosen', () => {
    const menu = trayMenuTemplate({ loggedIn: false, presence: { activity: '', note: '' }, badgeTotal: 0 }, actions);
    expect(menu.filter((i) => i.type === 'radio').every((i) => i.enabled === false && i.checked === false)).toBe(true);
  });

  it('the tooltip carries the badge sum', () => {
    expect(trayToolTip(0)).toBe('myApps Desktop');
    expect(trayToolTip(5)).toBe('myApps Desktop (5 new)');
    expect(trayToolTip(1000)).toBe('myApps Desktop (99+ new)');
  });

  it('the icon variant: with a badge or without; template images on macOS', () => {
    expect(trayIconFile('win32', false)).toBe('tray.png');
    expect(trayIconFile('linux', true)).toBe('tray-badge.png');
    expect(trayIconFile('darwin', false)).toBe('trayTemplate.png');
    expect(trayIconFile('darwin', true)).toBe('trayBadgeTemplate.png');
  });
});

describe('closing the main window', () => {
  it('hides it (the client keeps running) unless a real quit is under way', () => {
    for (const platform of ['win32', 'linux', 'darwin'] as const) {
      expect(closeDecision({ platform, quitting: true, trayHintShown: false })).toEqual({ action: 'close' });
      expect(closeDecision({ platform, quitting: false, trayHintShown: true })).toEqual({ action: 'hide', hint: false });
    }
  });

  it('says so once on Windows and Linux; never on macOS (dock conventions)', () => {
    expect(closeDecision({ platform: 'win32', quitting: false, trayHintShown: false })).toEqual({ action: 'hide', hint: true });
    expect(closeDecision({ platform: 'linux', quitting: false, trayHintShown: false })).toEqual({ action: 'hide', hint: true });
    expect(closeDecision({ platform: 'darwin', quitting: false, trayHintShown: false })).toEqual({ action: 'hide', hint: false });
  });
});
