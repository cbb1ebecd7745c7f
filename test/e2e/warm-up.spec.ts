/**
 * The warm-up (renderer/src/warmUp.tsx): while the login form waits, the page renders the
 * signed-in screen once out of sight and throws it away, so the first login runs code the page
 * has run before. It must leave nothing behind and send nothing, and it must not run when the
 * page opens on a session.
 */
import type { Page } from '@playwright/test';
import { allApps, expect, logIn, recordSends, reopenOnStoredSession, sentFrames, test } from './fixtures.js';

const measure = 'myapps:warm-up';

const warmUps = (page: Page) =>
  page.evaluate((name) => performance.getEntriesByName(name).map((e) => ({ start: e.startTime, end: e.startTime + e.duration, tiles: (e as PerformanceMeasure).detail.tiles as number })), measure);

test('while the login form waits, the signed-in screen is rendered once out of sight: nothing stays, nothing is sent, the login after it works', async ({ page, world }) => {
  await recordSends(page);
  await world.open();
  await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, measure);
  const [warm, ...more] = await warmUps(page);
  expect(more).toEqual([]);
  // It rendered the grid's tiles (a window of them), and none of it is left.
  expect(warm!.tiles).toBeGreaterThan(10);
  const left = await page.evaluate(() => ({
    body: [...document.body.children].map((e) => `${e.tagName.toLowerCase()}#${e.id}`),
    tiles: document.querySelectorAll('.tile, [role="list"]').length,
  }));
  expect(left).toEqual({ body: ['div#root'], tiles: 0 });
  await expect(page.getByRole('heading', { name: 'Log in to myApps' })).toBeVisible();

  await logIn(page, world);
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
  const sent = await sentFrames(page);
  // Positive control: the recorder sees the page's commands (the login, sent after the warm-up).
  expect(sent.some((s) => s.data.includes('"type":"login"'))).toBe(true);
  expect(sent.filter((s) => s.at >= warm!.start && s.at <= warm!.end)).toEqual([]);
});

test('a page that opens on a session does not warm up', async ({ page, world }) => {
  test.skip(world.store.kind !== 'keychain', 'needs a keychain (run under test/with-keyring.sh)');
  await reopenOnStoredSession(page, world);
  // Idle callbacks run in the order they were asked for: a warm-up asked for when the first state
  // came would have run before this one.
  await page.evaluate(() => new Promise((idle) => requestIdleCallback(idle)));
  expect(await warmUps(page)).toEqual([]);
});
