import { useCallback, useState } from 'react';
import { httpUrl } from '../urls.js';
import { GlobeIcon } from './Icons.js';

/**
 * The app's icon, or — for websites and icons that fail to load — a monogram of its title.
 * Decorative: the title next to it names the app. Key it by the icon URL so a new URL gets a new try.
 */
export function AppIcon({ title, name, iconUrl, website, className }: { title: string; name: string; iconUrl: string | undefined; website: boolean; className: string }) {
  const src = httpUrl(iconUrl);
  const [failed, setFailed] = useState(() => src !== undefined && failedIcons.has(src));
  // Decided once per icon (it is keyed by its URL): a waiting icon gets its source from
  // `giveSources`, straight into the DOM, and React never sets or clears it.
  const [waits] = useState(iconsWait);
  const track = useCallback((img: HTMLImageElement | null) => (img ? showIcon(img, waits ? src : undefined) : undefined), [waits, src]);
  if (src && !failed) {
    const onError = () => {
      if (failedIcons.size >= maxFailedIcons) failedIcons.clear();
      failedIcons.add(src);
      setFailed(true);
    };
    return <img className={className} ref={track} src={waits ? undefined : src} alt="" draggable={false} loading="lazy" decoding="async" onError={onError} />;
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
 * When an icon is asked for (its `src` set), which costs main-thread tasks for the load, an
 * invalidation, and decoding and raster work on a frame:
 *
 * - Icons that come to a page showing none wait for the frame that first shows them. After a
 *   login the first screen brings dozens of icons at once; asking for them in that frame held
 *   the tiles' first paint back by 15–30 ms (Element Timing, 200 apps). That frame paints empty
 *   icon boxes (an <img> without a source); the icons are asked for right after it.
 * - Icons of tiles that come while the user types a search wait until the typing pauses
 *   (`holdIconsWhileTyping`). Each keystroke brings other tiles; loading and painting their
 *   icons between keystrokes made 12–18 % of keystrokes a frame or more late, against 3–7 %
 *   with the hold (a keystroke every 60–100 ms, 2,000 apps, 4–5 interleaved runs each). Keys
 *   sent back to back (every few ms: a program, not a person) were later with it: 56–69 % of
 *   them a frame late, 25–50 % before; since the results themselves wait for a pause in such
 *   bursts (useSettledValue.ts), 7–10 % in runs of the keystroke figure alone, 37–88 % in full
 *   bench runs (this figure swings with the machine more than any other).
 * - Icons that join icons already shown otherwise (a scroll of the grid) are set by React at
 *   once: putting them off by a frame as well made burst typing slower (55–58 % late against
 *   22–39 %).
 *
 * The waiting sources are set in one loop, not by a React render of every icon: that render
 * (a new element each, 63 icons) cost about 17 ms on this 2-core machine.
 */
const waiting = new Map<HTMLImageElement, string>();
/** Icon images in the page (each from its ref's attach to its cleanup). */
let shown = 0;
let frame = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
/** New icons wait until then (performance.now()): the user is typing. */
let holdUntil = 0;
/** The pause after a keystroke that ends "typing" (a fast typist presses a key every 100–150 ms). */
const typingPauseMs = 200;

/** A keystroke that changed a search: icons of the tiles it brings wait until the typing pauses. */
export function holdIconsWhileTyping(): void {
  holdUntil = performance.now() + typingPauseMs;
}

/** Whether an icon rendered now waits: the page shows no icon yet, icons are waiting already, or the user is typing. */
const iconsWait = (): boolean => shown === 0 || timer !== undefined || performance.now() < holdUntil;

/** The ref of an icon image; `waitingFor` is the source it gets once icons may load, if it waits. */
function showIcon(img: HTMLImageElement, waitingFor: string | undefined): () => void {
  shown++;
  if (waitingFor !== undefined) wait(img, waitingFor);
  return () => {
    shown--;
    waiting.delete(img);
  };
}

function wait(img: HTMLImageElement, src: string): void {
  waiting.set(img, src);
  if (timer !== undefined) return;
  // After the frame's paint (a task after the animation frame); a hidden page gets no frames: the timer stands in.
  frame = requestAnimationFrame(() => {
    clearTimeout(timer);
    timer = setTimeout(giveSources, 0);
  });
  timer = setTimeout(giveSources, 100);
}

function giveSources(): void {
  cancelAnimationFrame(frame);
  clearTimeout(timer);
  const typing = holdUntil - performance.now();
  if (typing > 0) {
    timer = setTimeout(giveSources, typing);
    return;
  }
  timer = undefined;
  for (const [img, src] of waiting) img.src = src;
  waiting.clear();
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
