import { useCallback, useEffect, useState } from 'react';
import { httpUrl } from '../urls.js';
import { GlobeIcon } from './Icons.js';

/**
 * The app's icon, or — for websites and icons that fail to load — a monogram of its title.
 * Decorative: the title next to it names the app. Key it by the icon URL so a new URL gets a new try.
 */
export function AppIcon({ title, name, iconUrl, website, className }: { title: string; name: string; iconUrl: string | undefined; website: boolean; className: string }) {
  const src = httpUrl(iconUrl);
  const [failed, setFailed] = useState(() => src !== undefined && failedIcons.has(src));
  // Decided once per icon (it is keyed by its URL): an icon that waits gets its source from
  // `readyIconsAfterPaint`, straight into the DOM; React never sets or clears it.
  const [waits] = useState(() => !iconsReady);
  const holdSource = useCallback((img: HTMLImageElement | null) => (src ? waitForIcons(img, src) : undefined), [src]);
  useEffect(() => {
    if (waits && src) readyIconsAfterPaint();
  }, [waits, src]);
  if (src && !failed) {
    const onError = () => {
      if (failedIcons.size >= maxFailedIcons) failedIcons.clear();
      failedIcons.add(src);
      setFailed(true);
    };
    return waits ? (
      <img className={className} ref={holdSource} alt="" draggable={false} loading="lazy" decoding="async" onError={onError} />
    ) : (
      <img className={className} src={src} alt="" draggable={false} loading="lazy" decoding="async" onError={onError} />
    );
  }
  return (
    <span className={`${className} monogram monogram-${paletteIndex(name)}`} aria-hidden="true">
      {monogram(title || name)}
      {website && (
        <span className="monogram-globe">
          <GlobeIcon />
        </span>
      )}
    </span>
  );
}

/**
 * The first icons of a page wait for the frame that first shows them. After a login the first
 * screen brings dozens of icons at once; asking for them in that frame (a fetch each, then a
 * task for each response) held the tiles' first paint back by 15–30 ms (Element Timing,
 * 200 apps). So that frame paints the tiles with empty icon boxes (an <img> without a source),
 * and the icons are asked for right after it. Once per page: icons that come later are asked
 * for at once. The waiting images get their `src` in one loop, not by a React render of every
 * icon: that render (a new element each, 63 icons) cost about 17 ms on this 2-core machine.
 */
let iconsReady = false;
let readying = false;
/** The images waiting for `iconsReady`, with the source each gets then. */
const waiting = new Map<HTMLImageElement, string>();
/** The ref of a waiting image: held until the icons are ready (or the image goes). */
function waitForIcons(img: HTMLImageElement | null, src: string): (() => void) | undefined {
  if (!img) return undefined;
  if (iconsReady) img.src = src;
  else waiting.set(img, src);
  return () => void waiting.delete(img);
}
function readyIconsAfterPaint(): void {
  if (readying) return;
  readying = true;
  const ready = () => {
    if (iconsReady) return;
    iconsReady = true;
    for (const [img, src] of waiting) img.src = src;
    waiting.clear();
  };
  // After the frame's paint (a task after the animation frame); a hidden page gets no frames: the timer stands in.
  requestAnimationFrame(() => setTimeout(ready, 0));
  setTimeout(ready, 100);
}

/**
 * Icon URLs that failed to load in this page: a tile the windowed grid mounts again (scrolling
 * back) shows its monogram at once instead of trying, failing and switching again. A new URL
 * (the App Object changed) gets a new try; a reload of the UI forgets them all.
 */
const failedIcons = new Set<string>();
const maxFailedIcons = 10_000;

/** First letters of the first two words ("Team Chat" → "TC"), whole characters (emoji-safe). */
function monogram(title: string): string {
  const words = title.trim().split(/\s+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((word) => Array.from(word)[0] ?? '')
    .join('')
    .toUpperCase();
}

const paletteSize = 8;

/** A stable colour per app, so monograms stay recognisable between sessions. */
function paletteIndex(name: string): number {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash % paletteSize;
}
