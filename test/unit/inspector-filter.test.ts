/**
 * The inspector panel's filters and export (renderer/src/inspector/filter.ts): by app (either end
 * of a message between apps), API, part of the mt, kind, and console level; the export is one
 * JSON line per entry. The panel itself in Chromium: test/e2e/inspector.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import type { InspectorEntry } from '../../main/core/bridge/inspector.js';
import { entryMatches, exportLines, type InspectorFilter } from '../../renderer/src/inspector/filter.js';

const a = { viewId: 'va', name: 'alpha' };
const b = { viewId: 'vb', name: 'beta' };
const entries: InspectorEntry[] = [
  { kind: 'message', seq: 1, time: 1, direction: 'app→client', app: a, path: 'core', mt: 'getLogin', size: 10, body: {} },
  { kind: 'message', seq: 2, time: 2, direction: 'app→app', app: a, peer: b, path: 'direct', mt: 'ApiRequest', api: 'com.x', src: '1', size: 10, body: {} },
  { kind: 'console', seq: 3, time: 3, app: b, level: 'warn', text: 'careful' },
  { kind: 'console', seq: 4, time: 4, app: a, level: 'debug', text: 'noise' },
];
const all: InspectorFilter = { app: '', api: '', mt: '', kind: 'all', level: '' };
const seqs = (f: Partial<InspectorFilter>) => entries.filter((e) => entryMatches(e, { ...all, ...f })).map((e) => e.seq);

describe('inspector filters', () => {
  it('each filter narrows; an app matches either end of a message between apps', () => {
    expect(seqs({})).toEqual([1, 2, 3, 4]);
    expect(seqs({ app: 'beta' })).toEqual([2, 3]);
    expect(seqs({ api: 'com.x' })).toEqual([2]);
    expect(seqs({ mt: 'login' })).toEqual([1]);
    expect(seqs({ kind: 'message' })).toEqual([1, 2]);
    expect(seqs({ kind: 'console' })).toEqual([3, 4]);
    expect(seqs({ kind: 'console', level: 'warn' })).toEqual([3]);
    expect(seqs({ app: 'alpha', kind: 'console' })).toEqual([4]);
  });

  it('the export is one JSON line per entry, oldest first; nothing for an empty session', () => {
    const text = exportLines(entries);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n').map((l) => JSON.parse(l) as InspectorEntry)).toEqual(entries);
    expect(exportLines([])).toBe('');
  });
});
