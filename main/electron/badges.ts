/**
 * The badge roll-up: the sum of the apps' numeric badges (`snapshot.badgeTotal`, the core's
 * sum) shown where each OS shows an app's count. The tray icon's variant follows the same
 * total (tray.ts).
 *
 * - macOS: the dock badge, `app.dock.setBadge(text)` ('' removes it).
 * - Windows: an overlay on the taskbar button, `win.setOverlayIcon(image, description)`. The
 *   image is one of the pre-rendered `assets/badges/badge-1.png … badge-9.png, badge-9plus.png`
 *   (drawing a number needs a canvas the main process does not have); where the file is
 *   missing the overlay is `null` (none) and the description still says the count.
 * - Linux: `app.setBadgeCount(n)` (the Unity launcher and docks that speak its API; false
 *   elsewhere, which is fine: the tray shows the count).
 *
 * The decisions are PURE (`badgeText`, `overlayFile`, `overlayDescription`; unit-tested);
 * `BadgeRollUp` applies them only when the total changes. Only `import type` from electron.
 */
import { join } from 'node:path';
import type { App, BrowserWindow, NativeImage, nativeImage as NativeImageModule } from 'electron';
import type { Logger } from '../core/common/log.js';

/** The text of a count badge: '' for none, '1'…'99', then '99+'. */
export function badgeText(total: number): string {
  if (!Number.isFinite(total) || total < 1) return '';
  const n = Math.floor(total);
  return n > 99 ? '99+' : String(n);
}

/** The Windows overlay image for a total (in `assets/badges/`), or undefined for none. */
export function overlayFile(total: number): string | undefined {
  const text = badgeText(total);
  if (text === '') return undefined;
  return Number(text) <= 9 ? `badge-${text}.png` : 'badge-9plus.png';
}

/** What a screen reader says about the overlay (Windows reads the description aloud). */
export function overlayDescription(total: number): string {
  const text = badgeText(total);
  return text === '' ? '' : `${text} new`;
}

export interface BadgeRollUpOptions {
  platform: NodeJS.Platform;
  app: Pick<App, 'setBadgeCount'> & { dock?: Pick<NonNullable<App['dock']>, 'setBadge'> | undefined };
  nativeImage: Pick<typeof NativeImageModule, 'createFromPath'>;
  /** The main window (Windows overlay), if there is one now. */
  window: () => BrowserWindow | undefined;
  /** `assets/badges` of the app. */
  badgesDir: string;
  log: Logger;
}

export class BadgeRollUp {
  private shown: number | undefined;
  private readonly images = new Map<string, NativeImage | null>();

  constructor(private readonly options: BadgeRollUpOptions) {}

  /** Show `total` (a no-op when it is what is shown). */
  update(total: number): void {
    const n = Number.isFinite(total) && total > 0 ? Math.floor(total) : 0;
    if (n === this.shown) return;
    this.shown = n;
    this.apply(n);
  }

  /** The window was created again (macOS re-opens one): its overlay is new. */
  windowCreated(): void {
    if (this.shown !== undefined && this.options.platform === 'win32') this.apply(this.shown);
  }

  private apply(n: number): void {
    const { platform, app } = this.options;
    if (platform === 'darwin') app.dock?.setBadge(badgeText(n));
    else if (platform === 'win32') {
      const win = this.options.window();
      if (!win || win.isDestroyed()) return;
      const file = overlayFile(n);
      win.setOverlayIcon(file === undefined ? null : this.image(file), overlayDescription(n));
    } else app.setBadgeCount(n);
  }

  private image(file: string): NativeImage | null {
    if (!this.images.has(file)) {
      const image = this.options.nativeImage.createFromPath(join(this.options.badgesDir, file));
      if (image.isEmpty()) this.options.log('warn', 'a badge image is missing; the taskbar shows no overlay for it', { file });
      this.images.set(file, image.isEmpty() ? null : image);
    }
    return this.images.get(file)!;
  }
}
