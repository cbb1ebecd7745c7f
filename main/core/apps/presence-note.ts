/**
 * Presence notes carry machine-readable hashtags (`#badge:3`, `#until:1524733200000`,
 * `#next:41:5:42:5`, `#free`) next to the human text. `app-hosting.md` §7 item 34: numeric
 * values become numbers, other values stay strings, a bare tag is "", and `displayNote` is
 * the note without its hashtags.
 */
export interface ParsedNote {
  params: Record<string, string | number>;
  displayNote: string;
}

const TAG = /(^|\s)#([A-Za-z][\w-]*)(?::(\S*))?(?=\s|$)/g;

export function parsePresenceNote(note: string | undefined): ParsedNote {
  // Keys come from the PBX: a null-prototype object, so `#__proto__:1` is data like any tag.
  const params: Record<string, string | number> = Object.create(null) as Record<string, string | number>;
  if (!note) return { params, displayNote: '' };
  const displayNote = note
    .replace(TAG, (_m, lead: string, key: string, value: string | undefined) => {
      params[key] = value === undefined ? '' : /^-?\d+(?:\.\d+)?$/.test(value) ? Number(value) : value;
      return lead;
    })
    .replace(/\s+/g, ' ')
    .trim();
  return { params, displayNote };
}
