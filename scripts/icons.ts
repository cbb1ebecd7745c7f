/**
 * `npm run icons`: every raster icon of the app, made from the SVG sources in assets/.
 *
 *   assets/icon.svg          → assets/icons/png/<n>x<n>.png (Linux set), assets/icon.png,
 *                              assets/icon.ico (Windows), assets/icon.icns (macOS)
 *   assets/tray/*.svg        → assets/tray/<name>.png and <name>@2x.png (16 and 32 px)
 *   assets/badges/badge.svg  → assets/badges/badge-1.png … badge-9.png, badge-9plus.png (16 px)
 *   assets/dmg/background.svg → assets/dmg/background.png and background@2x.png
 *
 * SVG is rendered by sharp (libvips with librsvg, from its prebuilt npm packages); .ico and .icns
 * are written by @shockpkg/icon-encoder from those PNGs. The output is committed: the installers
 * and the Electron shell use these files without running this script, and
 * test/unit/icons.test.ts checks that a fresh run gives the same pixels.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IconIcns, IconIco } from '@shockpkg/icon-encoder';
import sharp from 'sharp';

export const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');

/** The Linux icon set electron-builder installs into /usr/share/icons/hicolor/<n>x<n>/apps/. */
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
/** The images inside icon.ico (64 px and up PNG-compressed, smaller ones bitmaps, for older Windows code). */
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/**
 * The images inside icon.icns — the set `iconutil` makes from a full .iconset, in its order
 * (with a table of contents): OSType and pixel size.
 */
export const ICNS_TYPES = [
  ['ic12', 64], // 32x32@2x
  ['ic07', 128],
  ['ic13', 256], // 128x128@2x
  ['ic08', 256],
  ['ic04', 16],
  ['ic14', 512], // 256x256@2x
  ['ic09', 512],
  ['ic05', 32],
  ['ic10', 1024], // 512x512@2x
  ['ic11', 32], // 16x16@2x
] as const;
/** Size of assets/icon.png (the window icon on Linux, where executables carry none). */
export const ICON_PNG_SIZE = 512;

/**
 * Tray images, loaded by the Electron shell by these names from `assets/tray/` in app.asar:
 * `<name>.png` is 16×16, `<name>@2x.png` 32×32. `*Template` images are macOS template images
 * (black and alpha only; macOS tints them); the others are coloured, for Windows and Linux.
 */
export const TRAY_IMAGES = ['tray', 'tray-badge', 'trayTemplate', 'trayBadgeTemplate'] as const;
export const TRAY_SIZE = 16;
export const isTemplateImage = (name: string): boolean => name.endsWith('Template');

/** Windows taskbar overlays, `assets/badges/badge-<label>.png`, 16×16. */
export const BADGE_LABELS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '9plus'] as const;
export const BADGE_SIZE = 16;

/** The macOS disk image background, in points (its @2x file is twice as large). */
export const DMG_BACKGROUND = { width: 540, height: 380 } as const;

/**
 * The part of icon.svg that Windows and Linux sizes show: the tile alone, edge to edge (they
 * draw no margin of their own). macOS sizes show the whole 1024 canvas, whose margin is
 * part of Apple's icon grid.
 */
const TILE_VIEWBOX = '100 100 824 824';

/** Glyphs of the badge counts: 6×8 pixels (the plus 5×5), `#` = white. */
const GLYPHS: Record<string, readonly string[]> = {
  '1': ['..##..', '.###..', '..##..', '..##..', '..##..', '..##..', '..##..', '.####.'],
  '2': ['.####.', '##..##', '....##', '...##.', '..##..', '.##...', '##....', '######'],
  '3': ['.####.', '##..##', '....##', '..###.', '....##', '....##', '##..##', '.####.'],
  '4': ['...##.', '..###.', '.####.', '##.##.', '######', '...##.', '...##.', '...##.'],
  '5': ['######', '##....', '#####.', '....##', '....##', '....##', '##..##', '.####.'],
  '6': ['..###.', '.##...', '##....', '#####.', '##..##', '##..##', '##..##', '.####.'],
  '7': ['######', '....##', '...##.', '...##.', '..##..', '..##..', '.##...', '.##...'],
  '8': ['.####.', '##..##', '##..##', '.####.', '##..##', '##..##', '##..##', '.####.'],
  '9': ['.####.', '##..##', '##..##', '##..##', '.#####', '....##', '...##.', '.###..'],
  '+': ['..#..', '..#..', '#####', '..#..', '..#..'],
};

/** The label's glyphs as SVG rectangles, centred on the 16×16 badge (whole pixels). */
export function badgeLabelRects(label: string): string {
  const chars = label === '9plus' ? ['9', '+'] : [...label];
  const glyphs = chars.map((c) => {
    const g = GLYPHS[c];
    if (!g) throw new Error(`no badge glyph for "${c}"`);
    return g;
  });
  const gap = 1;
  const width = glyphs.reduce((w, g) => w + g[0]!.length, 0) + gap * (glyphs.length - 1);
  let x = Math.floor((BADGE_SIZE - width) / 2);
  const rects: string[] = [];
  for (const g of glyphs) {
    const y0 = Math.floor((BADGE_SIZE - g.length) / 2);
    g.forEach((row, dy) => {
      // One rectangle per run of set pixels in a row.
      for (const m of row.matchAll(/#+/g)) rects.push(`<rect x="${x + m.index}" y="${y0 + dy}" width="${m[0].length}" height="1"/>`);
    });
    x += g[0]!.length + gap;
  }
  return rects.join('');
}

/** Renders an SVG at `width`×`height` pixels (its own size attributes replaced; optionally another viewBox). */
export async function renderSvg(svg: string, width: number, height = width, viewBox?: string): Promise<Buffer> {
  if (!/<svg\b/.test(svg)) throw new Error('not an SVG document');
  const text = svg.trim().replace(/<svg\b[^>]*>/, (tag) => {
    let t = tag.replace(/\swidth="[^"]*"/, ` width="${width}"`).replace(/\sheight="[^"]*"/, ` height="${height}"`);
    if (viewBox) t = t.replace(/\sviewBox="[^"]*"/, ` viewBox="${viewBox}"`);
    return t;
  });
  const image = sharp(Buffer.from(text), { density: 72 });
  const { width: w, height: h } = await image.metadata();
  if (w !== width || h !== height) throw new Error(`rendered ${w}×${h}, expected ${width}×${height}`);
  // Always RGBA (a template image has no colour, but macOS wants its alpha), best zlib level.
  return image.ensureAlpha().png({ compressionLevel: 9, adaptiveFiltering: true, palette: false }).toBuffer();
}

/** Every file this script writes, relative to the repository, with its bytes. */
export async function generateIcons(root: string = repoRoot): Promise<Map<string, Buffer>> {
  const read = (p: string) => readFile(join(root, p), 'utf8');
  const out = new Map<string, Buffer>();

  const icon = await read('assets/icon.svg');
  const tile = new Map<number, Buffer>();
  for (const size of new Set<number>([...PNG_SIZES, ...ICO_SIZES, ICON_PNG_SIZE])) tile.set(size, await renderSvg(icon, size, size, TILE_VIEWBOX));
  for (const size of PNG_SIZES) out.set(`assets/icons/png/${size}x${size}.png`, tile.get(size)!);
  out.set('assets/icon.png', tile.get(ICON_PNG_SIZE)!);

  const ico = new IconIco();
  // Largest first, as Windows' own icons are; `null`: the encoder's rule (PNG from 64 px, bitmaps below).
  for (const size of [...ICO_SIZES].reverse()) await ico.addFromPng(tile.get(size)!, null, true);
  out.set('assets/icon.ico', Buffer.from(ico.encode()));

  const icns = new IconIcns();
  icns.toc = true;
  const mac = new Map<number, Buffer>();
  for (const [type, size] of ICNS_TYPES) {
    if (!mac.has(size)) mac.set(size, await renderSvg(icon, size));
    await icns.addFromPng(mac.get(size)!, [type], true);
  }
  out.set('assets/icon.icns', Buffer.from(icns.encode()));

  for (const name of TRAY_IMAGES) {
    const svg = await read(`assets/tray/${name}.svg`);
    out.set(`assets/tray/${name}.png`, await renderSvg(svg, TRAY_SIZE));
    out.set(`assets/tray/${name}@2x.png`, await renderSvg(svg, TRAY_SIZE * 2));
  }

  const badge = await read('assets/badges/badge.svg');
  if (!badge.includes('<!--label-->')) throw new Error('assets/badges/badge.svg has no <!--label--> placeholder');
  for (const label of BADGE_LABELS) out.set(`assets/badges/badge-${label}.png`, await renderSvg(badge.replace('<!--label-->', badgeLabelRects(label)), BADGE_SIZE));

  const background = await read('assets/dmg/background.svg');
  out.set('assets/dmg/background.png', await renderSvg(background, DMG_BACKGROUND.width, DMG_BACKGROUND.height));
  out.set('assets/dmg/background@2x.png', await renderSvg(background, DMG_BACKGROUND.width * 2, DMG_BACKGROUND.height * 2));
  return out;
}

async function main(): Promise<void> {
  const files = await generateIcons(repoRoot);
  for (const [path, bytes] of files) {
    await mkdir(dirname(join(repoRoot, path)), { recursive: true });
    await writeFile(join(repoRoot, path), bytes);
  }
  console.log(`npm run icons: wrote ${files.size} files (sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, librsvg ${sharp.versions.rsvg ?? '?'})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
