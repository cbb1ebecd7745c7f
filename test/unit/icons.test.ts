/**
 * The icons, tray images, badges and disk-image background (`npm run icons`, scripts/icons.ts):
 * the committed files are what a fresh run makes (pixel for pixel, within 2/255 per channel so
 * another build of libvips cannot fail it), and each has the format its user needs — read here
 * with parsers of our own (PNG IHDR, the ICO directory, the ICNS table of contents), not with
 * the encoder that wrote them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BADGE_LABELS,
  BADGE_SIZE,
  DMG_BACKGROUND,
  ICNS_TYPES,
  ICON_PNG_SIZE,
  ICO_SIZES,
  PNG_SIZES,
  TRAY_IMAGES,
  TRAY_SIZE,
  generateIcons,
  isTemplateImage,
  repoRoot as root,
} from '../../scripts/icons.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const read = (path: string) => readFileSync(join(root, path));

interface Ihdr {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

/** The PNG's header chunk; throws if the bytes do not start as a PNG does. */
function ihdr(png: Buffer): Ihdr {
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG signature');
  if (png.readUInt32BE(8) !== 13 || png.toString('ascii', 12, 16) !== 'IHDR') throw new Error('first chunk is not IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bitDepth: png[24]!, colorType: png[25]! };
}

interface Rgba {
  width: number;
  height: number;
  data: Buffer;
}

/** Decodes a PNG fully (a damaged chunk or stream fails here). */
async function decodePng(png: Buffer): Promise<Rgba> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** Largest difference of any channel of any pixel; Infinity for different sizes. */
function maxDifference(a: Rgba, b: Rgba): number {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i]! - b.data[i]!));
  return max;
}

interface IcoEntry {
  width: number;
  height: number;
  bitCount: number;
  format: 'png' | 'bmp';
  data: Buffer;
}

/** The ICO directory (ICONDIR + ICONDIRENTRY) and each image's bytes. */
function icoEntries(ico: Buffer): IcoEntry[] {
  expect(ico.readUInt16LE(0), 'ICONDIR reserved').toBe(0);
  expect(ico.readUInt16LE(2), 'ICONDIR type (1 = icon)').toBe(1);
  const count = ico.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => {
    const at = 6 + i * 16;
    const size = ico.readUInt32LE(at + 8);
    const offset = ico.readUInt32LE(at + 12);
    expect(offset + size, `entry ${i} lies inside the file`).toBeLessThanOrEqual(ico.length);
    expect(ico.readUInt16LE(at + 4), `entry ${i} planes`).toBe(1);
    const data = ico.subarray(offset, offset + size);
    return { width: ico[at] || 256, height: ico[at + 1] || 256, bitCount: ico.readUInt16LE(at + 6), format: data.subarray(0, 8).equals(PNG_SIGNATURE) ? 'png' : 'bmp', data };
  });
}

/** A 32-bit ICO bitmap (BITMAPINFOHEADER, BGRA rows bottom-up, then the AND mask) as RGBA. */
function decodeIcoBitmap(bmp: Buffer): Rgba {
  expect(bmp.readUInt32LE(0), 'BITMAPINFOHEADER size').toBe(40);
  const width = bmp.readInt32LE(4);
  const height = bmp.readInt32LE(8) / 2; // the height counts the AND mask too
  expect(bmp.readUInt16LE(14), 'bits per pixel').toBe(32);
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = 40 + ((height - 1 - y) * width + x) * 4;
      const to = (y * width + x) * 4;
      data[to] = bmp[from + 2]!;
      data[to + 1] = bmp[from + 1]!;
      data[to + 2] = bmp[from]!;
      data[to + 3] = bmp[from + 3]!;
    }
  }
  return { width, height, data };
}

/** An ICO entry as RGBA, whichever way it is stored. */
const decodeIcoEntry = (e: IcoEntry): Promise<Rgba> | Rgba => (e.format === 'png' ? decodePng(e.data) : decodeIcoBitmap(e.data));

interface IcnsEntry {
  type: string;
  data: Buffer;
}

/** The ICNS elements in file order (the TOC is one of them), after checking the file header. */
function icnsEntries(icns: Buffer): IcnsEntry[] {
  expect(icns.toString('ascii', 0, 4)).toBe('icns');
  expect(icns.readUInt32BE(4), 'icns length field = file length').toBe(icns.length);
  const entries: IcnsEntry[] = [];
  for (let at = 8; at < icns.length; ) {
    const length = icns.readUInt32BE(at + 4);
    expect(length).toBeGreaterThanOrEqual(8);
    entries.push({ type: icns.toString('ascii', at, at + 4), data: icns.subarray(at + 8, at + length) });
    at += length;
  }
  return entries;
}

/** The 'TOC ' element: each listed type with its element length. */
function icnsToc(toc: Buffer): [string, number][] {
  return Array.from({ length: toc.length / 8 }, (_, i) => [toc.toString('ascii', i * 8, i * 8 + 4), toc.readUInt32BE(i * 8 + 4)] as [string, number]);
}

/** Apple's PackBits variant of the ARGB elements: n < 128 → n+1 literal bytes; n ≥ 128 → the next byte n-125 times. */
function unpackBits(data: Buffer, length: number): Buffer {
  const out: number[] = [];
  for (let at = 0; out.length < length && at < data.length; ) {
    const n = data[at++]!;
    if (n < 128) for (let i = 0; i <= n; i++) out.push(data[at++]!);
    else {
      const value = data[at++]!;
      for (let i = 0; i < n - 125; i++) out.push(value);
    }
  }
  expect(out.length).toBe(length);
  return Buffer.from(out);
}

/** An ICNS element as RGBA: PNG, or 'ARGB' + PackBits channel planes (ic04, ic05). */
async function decodeIcnsEntry(e: IcnsEntry, size: number): Promise<Rgba> {
  if (e.data.subarray(0, 8).equals(PNG_SIGNATURE)) return decodePng(e.data);
  expect(e.data.toString('ascii', 0, 4), `${e.type} is PNG or ARGB`).toBe('ARGB');
  const planes = unpackBits(e.data.subarray(4), size * size * 4);
  const data = Buffer.alloc(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    data[i * 4] = planes[size * size + i]!;
    data[i * 4 + 1] = planes[2 * size * size + i]!;
    data[i * 4 + 2] = planes[3 * size * size + i]!;
    data[i * 4 + 3] = planes[i]!;
  }
  return { width: size, height: size, data };
}

/** Every file npm run icons writes (its expected pixel size), by path. */
const expectedPngs: Record<string, [number, number]> = {
  ...Object.fromEntries(PNG_SIZES.map((s) => [`assets/icons/png/${s}x${s}.png`, [s, s]])),
  'assets/icon.png': [ICON_PNG_SIZE, ICON_PNG_SIZE],
  ...Object.fromEntries(TRAY_IMAGES.flatMap((n) => [[`assets/tray/${n}.png`, [TRAY_SIZE, TRAY_SIZE]], [`assets/tray/${n}@2x.png`, [TRAY_SIZE * 2, TRAY_SIZE * 2]]])),
  ...Object.fromEntries(BADGE_LABELS.map((l) => [`assets/badges/badge-${l}.png`, [BADGE_SIZE, BADGE_SIZE]])),
  'assets/dmg/background.png': [DMG_BACKGROUND.width, DMG_BACKGROUND.height],
  'assets/dmg/background@2x.png': [DMG_BACKGROUND.width * 2, DMG_BACKGROUND.height * 2],
};

let fresh: Map<string, Buffer>;
beforeAll(async () => {
  fresh = await generateIcons(root);
}, 60_000);

describe('the SVG sources', () => {
  const svgs: Record<string, string> = {
    'assets/icon.svg': '0 0 1024 1024',
    ...Object.fromEntries(TRAY_IMAGES.map((n) => [`assets/tray/${n}.svg`, '0 0 16 16'])),
    'assets/badges/badge.svg': '0 0 16 16',
    'assets/dmg/background.svg': `0 0 ${DMG_BACKGROUND.width} ${DMG_BACKGROUND.height}`,
  };

  it.each(Object.entries(svgs))('%s exists, is well-formed SVG, viewBox %s, no text (no fonts)', (path, viewBox) => {
    const errors: string[] = [];
    const doc = new DOMParser({ errorHandler: { warning: () => {}, error: (m) => errors.push(m), fatalError: (m) => errors.push(m) } }).parseFromString(read(path).toString('utf8'), 'image/svg+xml');
    expect(errors).toEqual([]);
    const svg = doc.documentElement!;
    expect(svg.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(svg.getAttribute('viewBox')).toBe(viewBox);
    // Text would need fonts, which differ from machine to machine: the badge digits are pixels.
    expect(svg.getElementsByTagName('text').length).toBe(0);
    // Everything is drawn from this file: no linked images or fonts.
    expect(read(path).toString('utf8')).not.toMatch(/href=|@import|url\((?!#)/);
  });

  it('the badge template has the placeholder the script fills', () => {
    expect(read('assets/badges/badge.svg').toString('utf8')).toContain('<!--label-->');
  });
});

describe('npm run icons', () => {
  it('package.json runs scripts/icons.ts, and sharp and the icon encoder are development dependencies', () => {
    const pkg = JSON.parse(read('package.json').toString('utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.scripts.icons).toBe('tsx scripts/icons.ts');
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(['sharp', '@shockpkg/icon-encoder']));
    expect(Object.keys(pkg.dependencies)).not.toContain('sharp');
  });

  it('writes exactly the committed files: every PNG, icon.ico and icon.icns', () => {
    expect([...fresh.keys()].sort()).toEqual([...Object.keys(expectedPngs), 'assets/icon.ico', 'assets/icon.icns'].sort());
    // No stray generated file beside them (an old size, a renamed badge).
    const committed = [
      ...readdirSync(join(root, 'assets/icons/png')).map((f) => `assets/icons/png/${f}`),
      ...readdirSync(join(root, 'assets/tray')).filter((f) => f.endsWith('.png')).map((f) => `assets/tray/${f}`),
      ...readdirSync(join(root, 'assets/badges')).filter((f) => f.endsWith('.png')).map((f) => `assets/badges/${f}`),
      ...readdirSync(join(root, 'assets/dmg')).filter((f) => f.endsWith('.png')).map((f) => `assets/dmg/${f}`),
      ...readdirSync(join(root, 'assets')).filter((f) => /^icon\.(png|ico|icns)$/.test(f)).map((f) => `assets/${f}`),
    ];
    expect(committed.sort()).toEqual([...fresh.keys()].sort());
  });

  it.each(Object.keys(expectedPngs))('%s is the fresh rendering, pixel for pixel', async (path) => {
    const [committed, rendered] = await Promise.all([decodePng(read(path)), decodePng(fresh.get(path)!)]);
    expect(maxDifference(committed, rendered), `${path}: run npm run icons and commit the result`).toBeLessThanOrEqual(2);
  });

  it('icon.ico holds the same images as a fresh run', async () => {
    const [committed, rendered] = [icoEntries(read('assets/icon.ico')), icoEntries(fresh.get('assets/icon.ico')!)];
    expect(committed.map((e) => [e.width, e.format])).toEqual(rendered.map((e) => [e.width, e.format]));
    for (const [i, e] of committed.entries()) expect(maxDifference(await decodeIcoEntry(e), await decodeIcoEntry(rendered[i]!)), `${e.width}px`).toBeLessThanOrEqual(2);
  });

  it('icon.icns holds the same images as a fresh run', async () => {
    const [committed, rendered] = [icnsEntries(read('assets/icon.icns')), icnsEntries(fresh.get('assets/icon.icns')!)];
    expect(committed.map((e) => e.type)).toEqual(rendered.map((e) => e.type));
    const sizes = new Map<string, number>(ICNS_TYPES);
    for (const [i, e] of committed.entries()) {
      if (e.type === 'TOC ') continue;
      const size = sizes.get(e.type)!;
      expect(maxDifference(await decodeIcnsEntry(e, size), await decodeIcnsEntry(rendered[i]!, size)), e.type).toBeLessThanOrEqual(2);
    }
  });
});

describe('the committed images', () => {
  it.each(Object.entries(expectedPngs))('%s is a valid 8-bit RGBA PNG of exactly %j pixels', async (path, [width, height]) => {
    const png = read(path);
    expect(ihdr(png)).toEqual({ width, height, bitDepth: 8, colorType: 6 });
    const image = await decodePng(png);
    expect([image.width, image.height]).toEqual([width, height]);
  });

  it('the Linux set is named as electron-builder reads it (<n>x<n>.png) and has every size from 16 to 1024', () => {
    expect(readdirSync(join(root, 'assets/icons/png')).sort()).toEqual(PNG_SIZES.map((s) => `${s}x${s}.png`).sort());
    expect(PNG_SIZES).toEqual([16, 24, 32, 48, 64, 128, 256, 512, 1024]);
  });

  it('icon.ico holds 256, 128, 64, 48, 32, 24 and 16 px, 32-bit, PNG from 64 px and bitmaps below, each its PNG of the Linux set', async () => {
    const entries = icoEntries(read('assets/icon.ico'));
    expect(entries.map((e) => [e.width, e.height])).toEqual([...ICO_SIZES].reverse().map((s) => [s, s]));
    expect(ICO_SIZES).toEqual([16, 24, 32, 48, 64, 128, 256]);
    for (const e of entries) {
      expect(e.bitCount, `${e.width}px`).toBe(32);
      expect(e.format, `${e.width}px`).toBe(e.width >= 64 ? 'png' : 'bmp');
      // Same pixels as the Linux set's file of that size: one drawing for every platform but macOS.
      const image = await decodeIcoEntry(e);
      expect([image.width, image.height]).toEqual([e.width, e.height]);
      expect(maxDifference(image, await decodePng(read(`assets/icons/png/${e.width}x${e.width}.png`))), `${e.width}px`).toBeLessThanOrEqual(2);
    }
  });

  it('icon.ico is what electron-builder puts into the Windows executable (its resedit reads all seven images)', () => {
    const requireBuilder = createRequire(createRequire(join(root, 'package.json')).resolve('app-builder-lib/package.json'));
    const resedit = requireBuilder('resedit') as { Data: { IconFile: { from(data: Buffer): { icons: { width: number; height: number; bitCount: number }[] } } } };
    const icons = resedit.Data.IconFile.from(read('assets/icon.ico')).icons;
    expect(icons.map((i) => [i.width || 256, i.height || 256, i.bitCount])).toEqual([...ICO_SIZES].reverse().map((s) => [s, s, 32]));
  });

  it('icon.icns holds the standard set (ic04 … ic14) after its table of contents, each image of its size', async () => {
    const icns = read('assets/icon.icns');
    const entries = icnsEntries(icns);
    expect(entries[0]!.type).toBe('TOC ');
    // The TOC lists every other element, in order, with its length.
    expect(icnsToc(entries[0]!.data)).toEqual(entries.slice(1).map((e) => [e.type, e.data.length + 8]));
    expect(entries.slice(1).map((e) => e.type).sort()).toEqual(['ic04', 'ic05', 'ic07', 'ic08', 'ic09', 'ic10', 'ic11', 'ic12', 'ic13', 'ic14']);
    const sizes: Record<string, number> = { ic04: 16, ic05: 32, ic07: 128, ic08: 256, ic09: 512, ic10: 1024, ic11: 32, ic12: 64, ic13: 256, ic14: 512 };
    expect(Object.fromEntries(ICNS_TYPES)).toEqual(sizes);
    for (const e of entries.slice(1)) {
      if (e.type === 'ic04' || e.type === 'ic05') expect(e.data.toString('ascii', 0, 4), e.type).toBe('ARGB');
      else expect(ihdr(e.data), e.type).toMatchObject({ width: sizes[e.type], height: sizes[e.type] });
      const image = await decodeIcnsEntry(e, sizes[e.type]!);
      expect([image.width, image.height], e.type).toEqual([sizes[e.type], sizes[e.type]]);
    }
  });

  it('macOS template images are black and transparency only, and draw something', async () => {
    const templates = TRAY_IMAGES.filter(isTemplateImage);
    expect(templates.sort()).toEqual(['trayBadgeTemplate', 'trayTemplate']);
    for (const name of templates.flatMap((n) => [`${n}.png`, `${n}@2x.png`])) {
      const { data } = await decodePng(read(`assets/tray/${name}`));
      let opaque = 0;
      for (let i = 0; i < data.length; i += 4) {
        expect([data[i], data[i + 1], data[i + 2]], `${name}: pixel ${i / 4} is not black`).toEqual([0, 0, 0]);
        if (data[i + 3] === 255) opaque++;
      }
      expect(opaque, name).toBeGreaterThan(data.length / 4 / 5);
    }
  });

  it('the coloured tray images have colour; the badged one a red dot in its top right corner, the plain one none', async () => {
    /** Strongly red pixels in the top right quarter. */
    const redTopRight = async (path: string) => {
      const { width, data } = await decodePng(read(path));
      let red = 0;
      for (let y = 0; y < width / 2; y++) for (let x = width / 2; x < width; x++) {
        const i = (y * width + x) * 4;
        if (data[i]! > 180 && data[i + 1]! < 90 && data[i + 2]! < 90 && data[i + 3]! > 200) red++;
      }
      return red;
    };
    for (const suffix of ['', '@2x']) {
      expect(await redTopRight(`assets/tray/tray${suffix}.png`)).toBe(0);
      expect(await redTopRight(`assets/tray/tray-badge${suffix}.png`)).toBeGreaterThan(suffix ? 20 : 5);
      const { data } = await decodePng(read(`assets/tray/tray${suffix}.png`));
      expect(data.some((v, i) => i % 4 === 2 && v > 200 && data[i - 2]! < 100), 'blue pixels').toBe(true);
    }
  });

  it('badges 1 … 9 and 9plus: 16×16 red discs with white pixels, transparent corners, all different', async () => {
    expect(BADGE_LABELS).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '9plus']);
    const seen = new Set<string>();
    for (const label of BADGE_LABELS) {
      const { width, height, data } = await decodePng(read(`assets/badges/badge-${label}.png`));
      expect([width, height]).toEqual([16, 16]);
      const at = (x: number, y: number) => [...data.subarray((y * 16 + x) * 4, (y * 16 + x) * 4 + 4)];
      expect(at(0, 0)[3], `${label}: corner`).toBe(0);
      expect(at(8, 1), `${label}: disc`).toEqual([0xd9, 0x2d, 0x20, 255]);
      let white = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] === 255 && data[i + 1] === 255 && data[i + 2] === 255 && data[i + 3] === 255) white++;
      expect(white, label).toBeGreaterThan(12);
      seen.add(data.toString('base64'));
    }
    expect(seen.size).toBe(BADGE_LABELS.length);
  });

  it('the dmg background is 540×380 points, and its @2x file twice that', () => {
    expect(ihdr(read('assets/dmg/background.png'))).toMatchObject({ width: 540, height: 380 });
    expect(ihdr(read('assets/dmg/background@2x.png'))).toMatchObject({ width: 1080, height: 760 });
  });

  it('every generated file is where the shell and electron-builder.yml expect it', () => {
    for (const path of [...Object.keys(expectedPngs), 'assets/icon.ico', 'assets/icon.icns']) expect(existsSync(join(root, path)), path).toBe(true);
  });
});
