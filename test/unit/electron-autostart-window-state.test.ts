/**
 * Autostart (autostart.ts) and the main window's remembered place (window-state.ts): the pure
 * decisions, and the XDG autostart entry written and removed in a temporary folder.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUTOSTART_ARGS, applyAutostart, desktopExecArgument, linuxAutostartExecutable, loginItemSettings, xdgAutostartDir, xdgAutostartEntry } from '../../main/electron/autostart.js';
import { type DisplayArea, displayKey, placeWindow, rememberWindow, restoreBounds } from '../../main/electron/window-state.js';

describe('autostart', () => {
  it('Windows: a Run entry for the executable with --minimized (the same path and arguments to remove it)', () => {
    expect(loginItemSettings(true, 'win32', 'C:\\Users\\a\\AppData\\Local\\Programs\\myApps Desktop\\myapps-desktop.exe')).toEqual({
      openAtLogin: true,
      path: 'C:\\Users\\a\\AppData\\Local\\Programs\\myApps Desktop\\myapps-desktop.exe',
      args: ['--minimized'],
    });
    expect(loginItemSettings(false, 'win32', 'C:\\x.exe')).toEqual({ openAtLogin: false, path: 'C:\\x.exe', args: ['--minimized'] });
    expect(AUTOSTART_ARGS).toEqual(['--minimized']);
  });

  it('macOS: a login item (macOS passes no arguments)', () => {
    expect(loginItemSettings(true, 'darwin', '/Applications/myApps Desktop.app/Contents/MacOS/myApps Desktop')).toEqual({ openAtLogin: true });
  });

  it('Linux: $XDG_CONFIG_HOME/autostart (absolute only), else ~/.config/autostart', () => {
    expect(xdgAutostartDir({ XDG_CONFIG_HOME: '/home/a/cfg' }, '/home/a')).toBe('/home/a/cfg/autostart');
    expect(xdgAutostartDir({ XDG_CONFIG_HOME: 'relative/cfg' }, '/home/a')).toBe('/home/a/.config/autostart');
    expect(xdgAutostartDir({}, '/home/a')).toBe('/home/a/.config/autostart');
  });

  it('Linux: the AppImage is started, not the executable inside its temporary mount', () => {
    expect(linuxAutostartExecutable('/tmp/.mount_myappsX/myapps-desktop', { APPIMAGE: '/home/a/Apps/myApps.AppImage' })).toBe('/home/a/Apps/myApps.AppImage');
    expect(linuxAutostartExecutable('/opt/myApps Desktop/myapps-desktop', {})).toBe('/opt/myApps Desktop/myapps-desktop');
  });

  it('the XDG entry: Exec with --minimized and nothing else, enabled for GNOME', () => {
    const entry = xdgAutostartEntry('/opt/myApps Desktop/myapps-desktop');
    expect(entry.split('\n')).toEqual([
      '[Desktop Entry]',
      'Type=Application',
      'Version=1.0',
      'Name=myApps Desktop',
      'Comment=Starts myApps Desktop in the tray when you log in',
      'Exec="/opt/myApps Desktop/myapps-desktop" --minimized',
      'Terminal=false',
      'X-GNOME-Autostart-enabled=true',
      '',
    ]);
  });

  it('Exec quoting as the Desktop Entry spec says; control characters refused', () => {
    expect(desktopExecArgument('/usr/bin/myapps')).toBe('/usr/bin/myapps');
    expect(desktopExecArgument('/opt/a b/x')).toBe('"/opt/a b/x"');
    expect(desktopExecArgument('/opt/100%/x')).toBe('/opt/100%%/x');
    // Inside quotes " ` $ \ are escaped with \, and the file format doubles every \ again.
    expect(desktopExecArgument('/opt/a"b$c`d\\e')).toBe('"/opt/a\\\\"b\\\\$c\\\\`d\\\\\\\\e"');
    expect(() => desktopExecArgument('/opt/a\nExec=evil')).toThrow();
    expect(() => desktopExecArgument('')).toThrow();
  });

  describe('applied', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    it('Linux: the entry is written when on, left alone when unchanged, removed when off', async () => {
      dir = mkdtempSync(join(tmpdir(), 'autostart-'));
      const file = join(dir, 'autostart', 'myapps-desktop.desktop');
      const app = { setLoginItemSettings: vi.fn(), getLoginItemSettings: vi.fn() };
      const log = vi.fn();
      const base = { platform: 'linux' as const, packaged: true, app: app as never, execPath: '/opt/myApps Desktop/myapps-desktop', env: { XDG_CONFIG_HOME: dir }, home: '/nowhere', log };
      await applyAutostart({ ...base, enabled: true });
      expect(readFileSync(file, 'utf8')).toBe(xdgAutostartEntry('/opt/myApps Desktop/myapps-desktop'));
      log.mockClear();
      await applyAutostart({ ...base, enabled: true });
      expect(log).not.toHaveBeenCalled();
      await applyAutostart({ ...base, enabled: false });
      expect(existsSync(file)).toBe(false);
      await applyAutostart({ ...base, enabled: false });
      expect(app.setLoginItemSettings).not.toHaveBeenCalled();
    });

    it('Windows and macOS: only what differs from the OS is changed; a development build changes nothing', async () => {
      let openAtLogin = false;
      const app = { setLoginItemSettings: vi.fn((s: { openAtLogin?: boolean }) => (openAtLogin = s.openAtLogin === true)), getLoginItemSettings: vi.fn(() => ({ openAtLogin }) as Electron.LoginItemSettings) };
      const base = { platform: 'win32' as const, packaged: true, app, execPath: 'C:\\p\\myapps-desktop.exe', env: {}, home: 'C:\\Users\\a', log: () => {} };
      await applyAutostart({ ...base, enabled: false });
      await applyAutostart({ ...base, enabled: true });
      await applyAutostart({ ...base, enabled: true });
      await applyAutostart({ ...base, enabled: false });
      expect(app.setLoginItemSettings.mock.calls).toEqual([[{ openAtLogin: true, path: 'C:\\p\\myapps-desktop.exe', args: ['--minimized'] }], [{ openAtLogin: false, path: 'C:\\p\\myapps-desktop.exe', args: ['--minimized'] }]]);
      expect(app.getLoginItemSettings).toHaveBeenCalledWith({ path: 'C:\\p\\myapps-desktop.exe', args: ['--minimized'] });
      await applyAutostart({ ...base, platform: 'darwin', enabled: false });
      expect(app.setLoginItemSettings).toHaveBeenCalledTimes(2); // already off
      await applyAutostart({ ...base, platform: 'darwin', enabled: true });
      expect(app.setLoginItemSettings.mock.calls.at(-1)).toEqual([{ openAtLogin: true }]);
      await applyAutostart({ ...base, packaged: false, enabled: false });
      expect(app.setLoginItemSettings).toHaveBeenCalledTimes(3);
    });
  });
});

describe('window state', () => {
  const display = (x: number, y: number, width: number, height: number, primary = false, taskbar = 40): DisplayArea => ({ bounds: { x, y, width, height }, workArea: { x, y, width, height: height - taskbar }, primary });
  const laptop = display(0, 0, 1920, 1080, true);
  const left = display(-2560, -360, 2560, 1440);
  const defaults = { width: 1100, height: 760 };
  const min = { width: 480, height: 400 };
  const w = (x: number, y: number, width: number, height: number, maximized = false) => ({ x, y, width, height, maximized });

  it('a display is known by its bounds', () => {
    expect(displayKey(left)).toBe('-2560,-360,2560,1440');
  });

  it('nothing saved: the default size in the middle of the primary display', () => {
    expect(restoreBounds(undefined, [left, laptop], defaults, min)).toEqual({ x: 410, y: 140, width: 1100, height: 760, maximized: false, displayKey: '0,0,1920,1080' });
    expect(restoreBounds({}, [], defaults, min)).toBeUndefined();
  });

  it('restored where it was, on the display used last, negative coordinates included', () => {
    const saved = { [displayKey(laptop)]: w(100, 100, 800, 600), [displayKey(left)]: w(-2000, -200, 1200, 900, true) };
    expect(restoreBounds(saved, [laptop, left], defaults, min)).toEqual({ x: -2000, y: -200, width: 1200, height: 900, maximized: true, displayKey: '-2560,-360,2560,1440' });
  });

  it('the display used last is gone: on the primary display, centred, with its size fitted', () => {
    const saved = { [displayKey(laptop)]: w(100, 100, 800, 600), [displayKey(left)]: w(-2400, -300, 2400, 1300, true) };
    expect(restoreBounds(saved, [laptop], defaults, min)).toEqual({ x: 0, y: 0, width: 1920, height: 1040, maximized: true, displayKey: '0,0,1920,1080' });
  });

  it('bounds off their display (a damaged file): on the primary display', () => {
    expect(restoreBounds({ [displayKey(laptop)]: w(5000, 5000, 800, 600) }, [laptop, left], defaults, min)).toMatchObject({ x: 560, y: 220, width: 800, height: 600, displayKey: '0,0,1920,1080' });
  });

  it('larger than the display: shrunk to its work area; partly off it: moved onto it', () => {
    expect(restoreBounds({ [displayKey(laptop)]: w(-50, 10, 2500, 1400) }, [laptop], defaults, min)).toMatchObject({ x: 0, y: 0, width: 1920, height: 1040 });
    expect(restoreBounds({ [displayKey(laptop)]: w(1500, 900, 800, 600) }, [laptop], defaults, min)).toMatchObject({ x: 1120, y: 440, width: 800, height: 600 });
    // Never below the window's minimum size while the display allows it.
    expect(restoreBounds({ [displayKey(laptop)]: w(10, 10, 100, 50) }, [laptop], defaults, min)).toMatchObject({ width: 480, height: 400 });
  });

  it('unusable saved sizes are ignored', () => {
    expect(restoreBounds({ [displayKey(laptop)]: w(0, 0, 0, -5) }, [laptop], defaults, min)).toMatchObject({ width: 1100, height: 760 });
  });

  it('remembering puts the display used last at the end and forgets the oldest beyond the limit', () => {
    const first = rememberWindow(undefined, 'a', w(1, 1, 500, 500));
    const second = rememberWindow(first, 'b', w(2, 2, 500, 500));
    const again = rememberWindow(second, 'a', w(3, 3, 500, 500));
    expect(Object.keys(again)).toEqual(['b', 'a']);
    expect(again.a).toEqual(w(3, 3, 500, 500));
    let many: Record<string, ReturnType<typeof w>> = {};
    for (let i = 0; i < 12; i++) many = rememberWindow(many, `d${i}`, w(i, i, 500, 500), 8);
    expect(Object.keys(many)).toEqual(['d4', 'd5', 'd6', 'd7', 'd8', 'd9', 'd10', 'd11']);
  });
});

describe("an app's own window (placeWindow)", () => {
  const display = (x: number, y: number, width: number, height: number, primary = false): DisplayArea => ({ bounds: { x, y, width, height }, workArea: { x, y, width, height: height - 40 }, primary });
  const laptop = display(0, 0, 1920, 1080, true);
  const left = display(-2560, -360, 2560, 1440);
  const defaults = { width: 800, height: 600 };
  const min = { width: 320, height: 240 };

  it('where it was, on any display that exists (negative coordinates included), fitted into that display', () => {
    expect(placeWindow({ x: -2000, y: -200, width: 700, height: 500 }, [laptop, left], defaults, min)).toEqual({ x: -2000, y: -200, width: 700, height: 500 });
    expect(placeWindow({ x: 1500, y: 900, width: 800, height: 600 }, [laptop, left], defaults, min)).toEqual({ x: 1120, y: 440, width: 800, height: 600 });
    // Across two displays: onto the one it covers most.
    expect(placeWindow({ x: -300, y: 100, width: 800, height: 600 }, [laptop, left], defaults, min)).toEqual({ x: 0, y: 100, width: 800, height: 600 });
  });

  it('off every display (one unplugged, a damaged file): the middle of the primary display, with its size', () => {
    expect(placeWindow({ x: 5000, y: 5000, width: 900, height: 700 }, [left, laptop], defaults, min)).toEqual({ x: 510, y: 170, width: 900, height: 700 });
    expect(placeWindow({ x: -2000, y: -200, width: 3000, height: 2000 }, [laptop], defaults, min)).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
  });

  it('nothing remembered, or an unusable size: the default size, centred; no display: nowhere', () => {
    expect(placeWindow(undefined, [laptop], defaults, min)).toEqual({ x: 560, y: 220, width: 800, height: 600 });
    expect(placeWindow({ x: 10, y: 10, width: 0, height: -5 }, [laptop], defaults, min)).toEqual({ x: 560, y: 220, width: 800, height: 600 });
    expect(placeWindow({ x: 10, y: 10, width: 100, height: 50 }, [laptop], defaults, min)).toEqual({ x: 10, y: 10, width: 320, height: 240 });
    expect(placeWindow(undefined, [], defaults, min)).toBeUndefined();
  });
});
