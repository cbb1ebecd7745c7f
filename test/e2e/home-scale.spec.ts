/**
 * The home screen with 2,000 apps: the "All apps" grid is windowed (only the rows near the
 * viewport are in the DOM), yet every app is reachable by scrolling, by search and by the
 * search's arrow keys, and screen readers are told the size of the whole list.
 */
import type { Page } from '@playwright/test';
import { allApps, e2eConfig, expect, logIn, test, type World } from './fixtures.js';

const scale = 1998;
/** Tiles in all: the test users' four apps, the scale apps, and the two with prototype names. */
const total = 4 + scale + 2;

async function homeWithManyApps(page: Page, world: World): Promise<void> {
  const config = e2eConfig(world.iconBase);
  const names = Array.from({ length: scale }, (_, i) => `scale${i}`);
  // In the middle of the catalogue, so they are far outside the first window.
  names.splice(1000, 0, '__proto__', 'constructor');
  for (const name of names) {
    const title = name === 'scale3' ? 'Scale 3, an app whose title is far too long for the two lines of a tile' : name.startsWith('scale') ? `Scale ${name.slice(5)}` : `Named ${name}`;
    config.appObjects.push({ name, title, password: 'pw', url: `${world.iconBase}/apps/x/${encodeURIComponent(name)}` });
  }
  config.users[0]!.apps.push(...names);
  await world.start({ config });
  await world.open();
  await logIn(page, world);
  await expect(allApps(page).getByRole('button', { name: 'Contacts', exact: true })).toBeVisible();
}

test('2,000 apps: a window of tiles in the DOM, the last one found by scrolling and by search, arrows reach far results', async ({ page, world }) => {
  await homeWithManyApps(page, world);
  const all = allApps(page);
  const items = all.getByRole('listitem');
  const inDom = await items.count();
  expect(inDom).toBeGreaterThan(0);
  expect(inDom).toBeLessThan(200);
  // The list says how long it is, although most of it is not in the DOM.
  await expect(items.first()).toHaveAttribute('aria-setsize', String(total));
  await expect(items.first()).toHaveAttribute('aria-posinset', '1');

  // Rows are placed without being measured: every tile is as tall as every other (a title too
  // long for two lines is cut, not grown), and the rows follow each other one gap apart.
  const boxes = await all.locator('.tile').evaluateAll((tiles) =>
    tiles.map((t) => ({ top: Math.round(t.getBoundingClientRect().top), height: Math.round(t.getBoundingClientRect().height), fits: t.scrollHeight <= t.clientHeight })),
  );
  expect(new Set(boxes.map((b) => b.height)).size).toBe(1);
  expect(boxes.every((b) => b.fits)).toBe(true);
  const tops = [...new Set(boxes.map((b) => b.top))].sort((a, b) => a - b);
  expect(tops.length).toBeGreaterThan(2);
  for (let i = 1; i < tops.length; i++) expect(tops[i]! - tops[i - 1]!).toBe(boxes[0]!.height + 12);

  // Scrolling to the end brings the last app in (and still only a window).
  const last = all.getByRole('button', { name: `Scale ${scale - 1}`, exact: true });
  await expect(last).toHaveCount(0);
  await page.locator('.screen-host').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(last).toBeInViewport();
  expect(await items.count()).toBeLessThan(200);
  await expect(items.filter({ has: page.getByRole('button', { name: `Scale ${scale - 1}`, exact: true }) })).toHaveAttribute('aria-posinset', String(total));

  // Search finds it from the top.
  await page.locator('.screen-host').evaluate((el) => el.scrollTo(0, 0));
  const search = page.getByRole('searchbox', { name: 'Search apps' });
  await search.fill(`Scale ${scale - 1}`);
  await expect(last).toBeVisible();
  await expect(page.getByText('1 app matches')).toBeVisible();

  // App Objects named like Object.prototype members are tiles like any other.
  await search.fill('Named');
  await expect(all.getByRole('button', { name: 'Named __proto__', exact: true })).toBeVisible();
  await expect(all.getByRole('button', { name: 'Named constructor', exact: true })).toBeVisible();
  await expect(page.getByText('2 apps match')).toBeVisible();

  // "Scale 19" matches Scale 19, 190–199 and 1900–1997: the arrows walk to the last, which
  // the grid scrolls into view and the search box points at; Enter opens it.
  await search.fill('Scale 19');
  const count = 1 + 10 + (scale - 1900);
  await expect(page.getByText(`${count} apps match`)).toBeVisible();
  for (let i = 0; i < count; i++) await search.press('ArrowDown');
  const activeId = await search.getAttribute('aria-activedescendant');
  expect(activeId).toBeTruthy();
  const active = page.locator(`[id="${activeId}"]`);
  await expect(active).toHaveAccessibleName(`Scale ${scale - 1}`);
  await expect(active).toBeInViewport();
  await search.press('Enter');
  // (The search also asked the hidden contact-search provider: it runs without a tab.)
  await expect.poll(() => world.core.snapshot().runningApps.filter((a) => !a.hidden).map((a) => a.name)).toEqual([`scale${scale - 1}`]);
});

test('2,000 apps: a tile far down opens by scrolling it into view and clicking', async ({ page, world }) => {
  await homeWithManyApps(page, world);
  const all = allApps(page);
  // Playwright cannot scroll to an element that is not in the DOM yet: scroll the screen until it is.
  const target = all.getByRole('button', { name: 'Named constructor', exact: true });
  await page.locator('.screen-host').evaluate(async (el) => {
    const name = 'Named constructor';
    for (let y = 0; y <= el.scrollHeight; y += el.clientHeight / 2) {
      el.scrollTo(0, y);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      if ([...el.querySelectorAll('.tile-title')].some((t) => t.textContent === name)) return;
    }
  });
  await target.scrollIntoViewIfNeeded();
  await target.click();
  await expect.poll(() => world.core.snapshot().runningApps.map((a) => a.name)).toEqual(['constructor']);
});

test('2,000 apps: an icon that failed is not fetched again when its tile scrolls out of the window and back', async ({ page, world }) => {
  const asked: string[] = [];
  // Scale 5's App Service does not answer for its icon; Scale 6's does (the positive control).
  await page.route(/\/apps\/x\/scale[56]\.png$/, async (route) => {
    const url = route.request().url();
    asked.push(url.slice(url.lastIndexOf('/') + 1));
    if (url.endsWith('scale5.png')) await route.abort();
    else await route.continue();
  });
  await homeWithManyApps(page, world);
  const all = allApps(page);
  const five = all.getByRole('listitem').filter({ has: page.getByRole('button', { name: 'Scale 5', exact: true }) });
  const six = all.getByRole('listitem').filter({ has: page.getByRole('button', { name: 'Scale 6', exact: true }) });
  await expect(five.locator('.monogram')).toBeVisible();
  await expect(six.locator('img')).toHaveCount(1);
  expect(asked.sort()).toEqual(['scale5.png', 'scale6.png']);

  // Out of the window (unmounted) and back.
  await page.locator('.screen-host').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(five).toHaveCount(0);
  await page.locator('.screen-host').evaluate((el) => el.scrollTo(0, 0));
  await expect(five.locator('.monogram')).toBeVisible();
  await expect(five.locator('img')).toHaveCount(0);
  await expect(six.locator('img')).toHaveCount(1);
  // Scale 6 came back as an image (from the cache or asked again); Scale 5 was not asked again.
  expect(asked.filter((a) => a === 'scale5.png')).toEqual(['scale5.png']);
});
