/** Small inline icons; decorative everywhere (the text next to them carries the meaning). */
const common = { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': true, focusable: false } as const;

export function LockIcon() {
  return (
    <svg {...common} className="icon">
      <path fill="currentColor" d="M5 7V5a3 3 0 0 1 6 0v2h1a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h1Zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2Z" />
    </svg>
  );
}

export function PinIcon() {
  return (
    <svg {...common} className="icon">
      <path fill="currentColor" d="M10.2 1.5 14.5 5.8l-1.1 1.1-1-.3-2.4 2.4.3 3-1.1 1.1L6.5 10.4 3 13.9 2.1 13l3.5-3.5L2.9 6.8 4 5.7l3 .3 2.4-2.4-.3-1 1.1-1.1Z" />
    </svg>
  );
}

export function GlobeIcon() {
  return (
    <svg {...common} viewBox="0 0 24 24" className="icon">
      <path
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        d="M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18Zm0 0c2.5 2.4 3.8 5.4 3.8 9s-1.3 6.6-3.8 9m0-18c-2.5 2.4-3.8 5.4-3.8 9s1.3 6.6 3.8 9M3.5 9h17M3.5 15h17"
      />
    </svg>
  );
}

export function CloseIcon() {
  return (
    <svg {...common} className="icon">
      <path fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" d="m4 4 8 8M12 4l-8 8" />
    </svg>
  );
}

export function HomeIcon() {
  return (
    <svg {...common} viewBox="0 0 24 24" width={20} height={20} className="icon">
      <path fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" d="M3.5 10.5 12 3.5l8.5 7V20a.5.5 0 0 1-.5.5h-5v-6h-6v6H4a.5.5 0 0 1-.5-.5v-9.5Z" />
    </svg>
  );
}

/** Three bars: an app's own menu ("hamburger"). */
export function MenuIcon() {
  return (
    <svg {...common} className="icon">
      <path fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" d="M2.5 4h11M2.5 8h11M2.5 12h11" />
    </svg>
  );
}
