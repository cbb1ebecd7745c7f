/**
 * The tray icon (the menu bar extra on macOS): the client's handle while its window is hidden.
 *
 * - Menu: Open myApps; the user's own presence (Available, Away, Busy, Do not disturb — radio
 *   items, enabled while logged in, each sends `setPresence` keeping the note); Quit (really
 *   quits: `app.quit()`).
 * - Tooltip: "myApps Desktop", with the sum of the apps' badges when there is one.
 * - Icon: `assets/tray/tray.png`, and `tray-badge.png` while the badge sum is above zero
 *   (`@2x` variants beside them are picked up by Electron); on macOS the template images
 *   `trayTemplate.png` / `trayBadgeTemplate.png` (black and alpha, recoloured by the menu bar).
 *   A missing file gives an empty image and a log line, never a crash.
 * - A click on the icon opens the window (Windows and Linux; macOS shows the menu).
 *
 * The menu, tooltip and icon choice are PURE (unit-tested); `ShellTray` applies them and
 * rebuilds the menu only when what it shows changed. Only `import type` from electron:
 * main.ts passes Tray, Menu and nativeImage in.
 */
import { join } from 'node:path';
import type { Menu as MenuModule, MenuItemConstructorOptions, NativeImage, Tray as TrayClass, nativeImage as NativeImageModule } from 'electron';
import type { Activity, OwnPresenceView } from '../core/bridge/views.js';
import type { Logger } from '../core/common/log.js';
import { badgeText } from './badges.js';

export const PRODUCT_NAME = 'myApps Desktop';

/** The presence choices of the tray menu, in order. */
export const PRESENCE_CHOICES: readonly { activity: Activity; label: string }[] = [
  { activity: '', label: 'Available' },
  { activity: 'away', label: 'Away' },
  { activity: 'busy', label: 'Busy' },
  { activity: 'dnd', label: 'Do not disturb' },
];

/** What the tray shows. */
export interface TrayModel {
  /** Presence can be set (logged in). */
  loggedIn: boolean;
  presence: OwnPresenceView;
  badgeTotal: number;
}

export interface TrayActions {
  open(): void;
  setPresence(activity: Activity, note: string): void;
  quit(): void;
}

export function trayMenuTemplate(model: TrayModel, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { label: 'Open myApps', click: () => actions.open() },
    { type: 'separator' },
    ...PRESENCE_CHOICES.map(
      ({ activity, label }): MenuItemConstructorOptions => ({
        label,
        type: 'radio',
        checked: model.loggedIn && model.presence.activity === activity,
        enabled: model.loggedIn,
        click: () => actions.setPresence(activity, model.presence.note),
      }),
    ),
    { type: 'separator' },
    { label: 'Quit', click: () => actions.quit() },
  ];
}

export function trayToolTip(badgeTotal: number): string {
  const text = badgeText(badgeTotal);
  return text === '' ? PRODUCT_NAME : `${PRODUCT_NAME} (${text} new)`;
}

/** The image file of the tray icon in `assets/tray/`. */
export function trayIconFile(platform: NodeJS.Platform, badged: boolean): string {
  if (platform === 'darwin') return badged ? 'trayBadgeTemplate.png' : 'trayTemplate.png';
  return badged ? 'tray-badge.png' : 'tray.png';
}

export interface ShellTrayOptions {
  platform: NodeJS.Platform;
  Tray: typeof TrayClass;
  Menu: Pick<typeof MenuModule, 'buildFromTemplate'>;
  nativeImage: Pick<typeof NativeImageModule, 'createFromPath' | 'createEmpty'>;
  /** `assets/tray` of the app. */
  trayDir: string;
  actions: TrayActions;
  log: Logger;
}

export class ShellTray {
  private readonly tray: TrayClass;
  private readonly images = new Map<string, NativeImage>();
  private iconFile: string;
  private toolTip = '';
  private menuKey = '';

  constructor(private readonly options: ShellTrayOptions) {
    this.iconFile = trayIconFile(options.platform, false);
    this.tray = new options.Tray(this.image(this.iconFile));
    if (options.platform !== 'darwin') this.tray.on('click', () => options.actions.open());
    this.update({ loggedIn: false, presence: { activity: '', note: '' }, badgeTotal: 0 });
  }

  update(model: TrayModel): void {
    if (this.tray.isDestroyed()) return;
    const iconFile = trayIconFile(this.options.platform, model.badgeTotal > 0);
    if (iconFile !== this.iconFile) {
      this.iconFile = iconFile;
      this.tray.setImage(this.image(iconFile));
    }
    const toolTip = trayToolTip(model.badgeTotal);
    if (toolTip !== this.toolTip) {
      this.toolTip = toolTip;
      this.tray.setToolTip(toolTip);
    }
    // The menu shows presence only; rebuild it when that changed.
    const menuKey = JSON.stringify([model.loggedIn, model.presence.activity, model.presence.note]);
    if (menuKey !== this.menuKey) {
      this.menuKey = menuKey;
      this.tray.setContextMenu(this.options.Menu.buildFromTemplate(trayMenuTemplate(model, this.options.actions)));
    }
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private image(file: string): NativeImage {
    let image = this.images.get(file);
    if (!image) {
      image = this.options.nativeImage.createFromPath(join(this.options.trayDir, file));
      if (image.isEmpty()) {
        this.options.log('warn', 'a tray image is missing; the tray shows an empty icon', { file });
        image = this.options.nativeImage.createEmpty();
      }
      this.images.set(file, image);
    }
    return image;
  }
}
