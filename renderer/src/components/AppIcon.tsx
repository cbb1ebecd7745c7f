import { useState } from 'react';
import { httpUrl } from '../urls.js';
import { GlobeIcon } from './Icons.js';

/**
 * The app's icon, or — for websites and icons that fail to load — a monogram of its title.
 * Decorative: the title next to it names the app. Key it by the icon URL so a new URL gets a new try.
 */
export function AppIcon({ title, name, iconUrl, website, className }: { title: string; name: string; iconUrl: string | undefined; website: boolean; className: string }) {
  const [failed, setFailed] = useState(false);
  const src = httpUrl(iconUrl);
  if (src && !failed) {
    return <img className={className} src={src} alt="" draggable={false} loading="lazy" decoding="async" onError={() => setFailed(true)} />;
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
