/**
 * Incremental apps events (`appsDelta`): the core sends what changed, the UI's reducer applies
 * it, and deltas the core's coalescer holds in one frame compose into one — in every case the
 * UI ends with exactly the view the core has.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyAppsDelta, applyEvent, diffApps, mergeAppsEvents, isAppsEvent, type AppsEvent, type BridgeEvent } from '../../main/core/bridge/events.js';
import type { AppsView, Snapshot, Tile } from '../../main/core/bridge/views.js';
import { Coalescer } from '../../main/core/common/coalesce.js';
import { DEFAULT_SEED } from '../fuzz/settings.js';

const names = ['a', 'b', 'c', 'd', 'e', 'f', '__proto__', 'constructor', 'toString'];
const tile = (name: string, title: string): Tile => ({ name, title, text: '', url: `https://apps.example.com/${name}`, website: false });

/** An apps view: some of the names, in some order, with one of two titles each, and a home. */
const appsView: fc.Arbitrary<AppsView> = fc
  .tuple(fc.shuffledSubarray(names), fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }), fc.boolean(), fc.constantFrom('', 'a', 'a,b'))
  .map(([chosen, titles, fromCache, home]) => ({
    tiles: chosen.map((name, i) => tile(name, titles[i] ? `Title ${name}` : `Other ${name}`)),
    home: home ? home.split(',').map((app) => ({ link: app, app, args: '' })) : [],
    fromCache,
  }));

const options = { seed: DEFAULT_SEED, numRuns: 300 };

function snapshotWith(apps: AppsView | undefined): Snapshot {
  return { apps } as unknown as Snapshot;
}

describe('appsDelta', () => {
  it('applying the diff of two views gives the second, and no diff means no change', () => {
    fc.assert(
      fc.property(appsView, appsView, (before, after) => {
        const delta = diffApps(before, after);
        if (delta === undefined) expect(after).toEqual(before);
        else expect(applyEvent(snapshotWith(before), { type: 'appsDelta', ...delta }).apps).toEqual(after);
      }),
      options,
    );
  });

  it('sends only what changed, and keeps untouched tiles as the same objects', () => {
    const before: AppsView = { tiles: names.map((n) => tile(n, n)), home: [], fromCache: false };
    const after: AppsView = { ...before, tiles: [...before.tiles.filter((t) => t.name !== 'b').map((t) => (t.name === 'c' ? tile('c', 'New C') : t)), tile('g', 'G')] };
    const delta = diffApps(before, after)!;
    expect(delta).toEqual({ added: [tile('g', 'G')], changed: [tile('c', 'New C')], removed: ['b'] });
    const applied = applyAppsDelta(before, delta);
    expect(applied.tiles[0]).toBe(before.tiles[0]);
    expect(applied.tiles.map((t) => t.name)).toEqual(after.tiles.map((t) => t.name));
  });

  it('a delta applied to a view that already has its added tile (a snapshot that had it): one tile, the delta’s version', () => {
    const view: AppsView = { tiles: [tile('a', 'A'), tile('g', 'Old G')], home: [], fromCache: false };
    expect(applyAppsDelta(view, { added: [tile('g', 'New G')], changed: [], removed: [] }).tiles).toEqual([tile('a', 'A'), tile('g', 'New G')]);
  });

  it('deltas merged by the coalescer do what they do one after the other', () => {
    fc.assert(
      fc.property(appsView, fc.array(appsView, { minLength: 1, maxLength: 5 }), (start, views) => {
        const events: AppsEvent[] = [];
        let prev = start;
        for (const v of views) {
          const d = diffApps(prev, v);
          if (d) events.push({ type: 'appsDelta', ...d });
          prev = v;
        }
        if (events.length === 0) return;
        const merged = events.reduce((held, next) => mergeAppsEvents(held, next));
        expect(applyEvent(snapshotWith(start), merged).apps).toEqual(views.at(-1));
        // A whole view held first absorbs the deltas after it.
        const whole = [{ type: 'apps', apps: start } as AppsEvent, ...events].reduce((held, next) => mergeAppsEvents(held, next));
        expect(whole.type).toBe('apps');
        expect(applyEvent(snapshotWith(undefined), whole).apps).toEqual(views.at(-1));
      }),
      options,
    );
  });

  describe('through the core coalescer', () => {
    afterEach(() => vi.useRealTimers());

    it('held (after a login) until released with a snapshot: nothing goes out before it, the snapshot replaces what was held', () => {
      vi.useFakeTimers();
      const out: string[] = [];
      const c = new Coalescer<{ key: string | undefined; v: number }>(
        (e) => out.push(`${e.key ?? 'snapshot'}=${e.v}`),
        (e) => e.key,
      );
      c.push({ key: 'connection', v: 1 });
      c.hold();
      c.push({ key: 'user', v: 2 });
      vi.advanceTimersByTime(100);
      c.push({ key: 'apps', v: 3 });
      c.push({ key: 'channel', v: 6 }); // no state the snapshot has: kept
      vi.advanceTimersByTime(100);
      expect(out).toEqual(['connection=1']);
      c.release({ key: undefined, v: 4 }, (e) => e.key === 'channel');
      vi.advanceTimersByTime(100);
      expect(out).toEqual(['connection=1', 'snapshot=4', 'channel=6']);
      c.push({ key: 'user', v: 5 });
      expect(out).toEqual(['connection=1', 'snapshot=4', 'channel=6', 'user=5']);
    });

    it('a burst of apps changes reaches the UI as at most one event per frame and ends in the core view', () => {
      vi.useFakeTimers();
      fc.assert(
        fc.property(appsView, fc.array(fc.tuple(appsView, fc.boolean()), { minLength: 1, maxLength: 8 }), (start, steps) => {
          let ui = snapshotWith(start);
          const delivered: BridgeEvent[] = [];
          const coalescer = new Coalescer<BridgeEvent>(
            (e) => {
              delivered.push(e);
              ui = applyEvent(ui, e);
            },
            (e) => (isAppsEvent(e) ? 'apps' : e.type),
            16,
            (held, next) => (isAppsEvent(held) && isAppsEvent(next) ? mergeAppsEvents(held, next) : next),
          );
          let core = start;
          for (const [view, whole] of steps) {
            const d = diffApps(core, view);
            if (whole) coalescer.push({ type: 'apps', apps: view });
            else if (d) coalescer.push({ type: 'appsDelta', ...d });
            core = view;
          }
          // The first goes out at once, the rest are held for the frame and merged into one.
          expect(delivered.length).toBeLessThanOrEqual(1);
          vi.advanceTimersByTime(16);
          expect(delivered.length).toBeLessThanOrEqual(2);
          vi.advanceTimersByTime(100);
          expect(ui.apps).toEqual(core);
        }),
        { ...options, numRuns: 150 },
      );
    });
  });
});
