/**
 * The application menu: Edit (clipboard roles, so copy/paste shortcuts work on macOS),
 * View (zoom and full screen; Reload and Toggle DevTools only in developer mode, control 13),
 * Window, Help. The template is PURE (unit-tested); `installApplicationMenu` takes Electron's
 * `Menu` from main.ts so this module loads in plain Node.
 */
import type { Menu, MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  platform: NodeJS.Platform;
  developerMode: boolean;
  /** Help → Open Log Folder. */
  openLogFolder: () => void;
}

export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const developer: MenuItemConstructorOptions[] = options.developerMode ? [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] : [];
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: 'View',
      submenu: [...developer, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [...(mac ? [] : [{ role: 'about' } as const]), { label: 'Open Log Folder', click: () => options.openLogFolder() }],
    },
  ];
  if (mac) template.unshift({ role: 'appMenu' });
  else template.unshift({ label: 'File', submenu: [{ role: 'quit' }] });
  return template;
}

export function installApplicationMenu(menu: typeof Menu, options: MenuOptions): void {
  menu.setApplicationMenu(menu.buildFromTemplate(menuTemplate(options)));
}
