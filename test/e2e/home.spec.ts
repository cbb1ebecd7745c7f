/** The home screen: tiles, icons, badges, presence, search, edit home, own presence, reconnecting. */
import type { Locator, Page } from '@playwright/test';
import { allApps, e2eConfig, expect, logIn, shots, test, type World } from './fixtures.js';

/** A tile's list item (its badge and presence dot sit next to the button, described by it). */
const tile = (region: Locator, name: string) => region.getByRole('listitem').filter({ has: region.page().getByRole('button', { name, exact: true }) });

async function home(page: Page, world: World) {
  await world.open();
  await logIn(page, world);
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
}

test('tiles: icon, monogram when the icon fails, no icon for websites, description as tooltip, badges', async ({ page, world }) => {
  await home(page, world);
  const contacts = allApps(page).getByRole('button', { name: 'Contacts' });
  await expect(contacts).toHaveAttribute('title', 'Address book');
  const icon = contacts.locator('img');
  await expect(icon).toHaveAttribute('src', `${world.iconBase}/apps/contacts/innovaphone-contacts.png`);
  await expect.poll(() => icon.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(48);
  // My App's icon URL does not answer: a monogram instead of a broken image.
  const myApp = allApps(page).getByRole('button', { name: 'My App' });
  await expect(myApp.locator('img')).toHaveCount(0);
  await expect(myApp).toContainText('MA');
  await expect(allApps(page).getByRole('button', { name: 'Website' }).locator('img')).toHaveCount(0);
  // Hidden API providers are never tiles.
  await expect(allApps(page).getByRole('button')).toHaveCount(4);
  // Badges follow the app's presence.
  const badger = tile(allApps(page), 'Badger');
  await expect(badger.getByRole('img', { name: '3 new' })).toBeVisible();
  world.pbx.setBadge('badger', 12);
  await expect(badger.getByRole('img', { name: '12 new' })).toBeVisible();
  await shots(page, 'home-badges');
});

test('after a login (the first and the next) the frame that first shows the tiles asks for no icon; the icons come after it', async ({ page, world }) => {
  // Per login: the start of the animation frame after the one that painted the first tile title
  // (that frame's rendering runs in its task, after its callbacks), and when the first icon got
  // a source. The warm-up adds and removes its tiles in one task: the observer never sees them.
  await page.addInitScript(() => {
    const w = window as unknown as { __logins: { tileFrame?: number; firstSource?: number }[] };
    w.__logins = [];
    let current: { tileFrame?: number; firstSource?: number } | undefined;
    const observer = new MutationObserver((records) => {
      const shown = document.querySelector('.tile-title') !== null;
      if (!current && shown) {
        const login: { tileFrame?: number; firstSource?: number } = {};
        w.__logins.push((current = login));
        requestAnimationFrame(() => (login.tileFrame = performance.now()));
      }
      if (current && records.some((r) => r.type === 'attributes' && r.target instanceof HTMLImageElement)) current.firstSource ??= performance.now();
      if (!shown) current = undefined;
    });
    observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['src'] });
  });
  const logins = () => page.evaluate(() => (window as unknown as { __logins: { tileFrame?: number; firstSource?: number }[] }).__logins);
  const icon = tile(allApps(page), 'Contacts').locator('img');
  const loaded = () => icon.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth);

  await home(page, world);
  await expect.poll(loaded).toBe(48);
  // The network side of the first login: no icon was even asked for before that frame.
  const firstIconAsked = await page.evaluate(() => Math.min(...performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.png')).map((e) => e.startTime)));
  expect((await logins())[0]!.tileFrame).toBeLessThan(firstIconAsked);

  // Log out and in again in the same page: the icons are in the memory cache now, and still wait.
  await page.getByRole('button', { name: 'Account security' }).click();
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await logIn(page, world);
  await expect.poll(loaded).toBe(48);
  const [first, second] = await logins();
  for (const login of [first, second]) {
    expect(login?.tileFrame).toBeDefined();
    expect(login?.firstSource).toBeGreaterThan(login!.tileFrame!);
  }
});

test('with no animation frames (a hidden window), the tiles and their icons still come', async ({ page, world }) => {
  // A hidden page gets no frames: where the UI waits for one, a timer stands in (store.ts, AppIcon.tsx).
  await page.addInitScript(() => {
    window.requestAnimationFrame = () => 0;
    window.cancelAnimationFrame = () => undefined;
  });
  await home(page, world);
  const icon = tile(allApps(page), 'Contacts').locator('img');
  await expect.poll(() => icon.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(48);
});

test('icons of the tiles a search brings wait while the user types, and come when the typing pauses', async ({ page, world }) => {
  // More apps than the grid keeps in the DOM: "Extra 149" is not there until a search brings it.
  const config = e2eConfig(world.iconBase);
  const extras = Array.from({ length: 150 }, (_, i) => `extra-${String(i).padStart(3, '0')}`);
  for (const [i, name] of extras.entries()) config.appObjects.push({ name, title: `Extra ${String(i).padStart(3, '0')}`, password: 'pw', url: `${world.iconBase}/apps/x/${name}` });
  config.users[0]!.apps.push(...extras);
  await world.start({ config });
  await home(page, world);
  await expect(allApps(page).getByRole('button', { name: 'Extra 149' })).toHaveCount(0);
  // In the page, so nothing of the test's own round trips falls between the keystroke and the
  // check: a keystroke's input event, then the moment the tile it brings is added.
  const { sourceWhenShown, sourceWhileTyping, sourceLater } = await page.evaluate(async () => {
    const input = document.querySelector<HTMLInputElement>('input[type="search"]')!;
    const tileImage = () => [...document.querySelectorAll('.tile')].find((b) => b.textContent === 'Extra 149')?.querySelector('img') ?? null;
    const added = new Promise<HTMLImageElement>((found) => {
      const observer = new MutationObserver(() => {
        const img = tileImage();
        if (!img) return;
        observer.disconnect();
        found(img);
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
    // What typing does: the field's value, then an input event (React reads the value from it).
    const type = (text: string) => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, text);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    };
    type('extra 149');
    const img = await added;
    const sourceWhenShown = img.getAttribute('src');
    // Typing on for a few frames (a trailing space searches the same): still no source.
    for (const text of ['extra 149 ', 'extra 149', 'extra 149 ']) {
      await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
      type(text);
    }
    const sourceWhileTyping = img.getAttribute('src');
    // The positive control: the same image gets its source once the typing has paused.
    const sourceLater = await new Promise<string | null>((done) => {
      if (img.getAttribute('src')) done(img.getAttribute('src'));
      new MutationObserver(() => done(img.getAttribute('src'))).observe(img, { attributes: true, attributeFilter: ['src'] });
    });
    return { sourceWhenShown, sourceWhileTyping, sourceLater };
  });
  expect(sourceWhenShown).toBeNull();
  expect(sourceWhileTyping).toBeNull();
  expect(sourceLater).toBe(`${world.iconBase}/apps/x/extra-149.png`);
  await expect.poll(() => tile(allApps(page), 'Extra 149').locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(48);
});

test('home links: #d label and #s presence dot', async ({ page, world }) => {
  const config = e2eConfig(world.iconBase);
  config.users[0]!.home = 'contacts#s=carol&d=Carol%20Clerk,badger';
  await world.start({ config });
  await home(page, world);
  const homeRegion = page.getByRole('region', { name: 'Home' });
  const carol = tile(homeRegion, 'Carol Clerk');
  await expect(carol.getByRole('button', { name: 'Carol Clerk' })).toBeVisible();
  world.pbx.setPresence('carol', { activity: 'busy' });
  await expect(carol.getByRole('img', { name: 'busy' })).toBeVisible();
  world.pbx.setPresence('carol', { activity: '' });
  await expect(carol.getByRole('img', { name: 'available' })).toBeVisible();
});

test('App Objects named __proto__, constructor, toString, hasOwnProperty: tiles, badges and home links, and nothing blanks', async ({ page, world }) => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
  const config = e2eConfig(world.iconBase);
  for (const name of names) config.appObjects.push({ name, title: `Named ${name}`, password: 'pw', url: `${world.iconBase}/apps/x/${encodeURIComponent(name)}`, presence: true });
  config.users[0]!.apps.push(...names);
  config.users[0]!.home = 'constructor#d=Ctor,__proto__,badger,toString';
  await world.start({ config });
  await home(page, world);
  for (const name of names) await expect(allApps(page).getByRole('button', { name: `Named ${name}` })).toBeVisible();
  // With no badge set, none shows (an inherited member read as a badge would show here or blank the page).
  await expect(tile(allApps(page), 'Named constructor').getByRole('img')).toHaveCount(0);
  world.pbx.setBadge('__proto__', 4);
  world.pbx.setBadge('constructor', 7);
  await expect(tile(allApps(page), 'Named __proto__').getByRole('img', { name: '4 new' })).toBeVisible();
  await expect(tile(allApps(page), 'Named constructor').getByRole('img', { name: '7 new' })).toBeVisible();
  const homeRegion = page.getByRole('region', { name: 'Home' });
  await expect(tile(homeRegion, 'Ctor').getByRole('img', { name: '7 new' })).toBeVisible();
  await expect(tile(homeRegion, 'Named __proto__')).toBeVisible();
  // A fresh page reads the snapshot as plain JSON (no badge event has made it prototype-free yet):
  // a name without a badge must still show none, and none may blank the page.
  await page.reload();
  await expect(tile(homeRegion, 'Ctor').getByRole('img', { name: '7 new' })).toBeVisible();
  await expect(tile(homeRegion, 'Named __proto__').getByRole('img', { name: '4 new' })).toBeVisible();
  await expect(tile(homeRegion, 'Named toString')).toBeVisible();
  await expect(tile(homeRegion, 'Named toString').getByRole('img')).toHaveCount(0);
  await expect(tile(allApps(page), 'Named hasOwnProperty')).toBeVisible();
  await expect(tile(allApps(page), 'Named hasOwnProperty').getByRole('img')).toHaveCount(0);
  // Search works over them too.
  await page.getByRole('searchbox').fill('hasOwn');
  await expect(allApps(page).getByRole('button', { name: 'Named hasOwnProperty' })).toBeVisible();
});

test('text from the PBX is rendered as text, never as HTML', async ({ page, world }) => {
  const config = e2eConfig(world.iconBase);
  config.appObjects.push({ name: 'evil', title: '<img src=x onerror="window.pwned=1">Evil', description: '<script>window.pwned=2</script>', password: 'x', url: `${world.iconBase}/apps/evil/evil` });
  config.users[0]!.apps.push('evil');
  await world.start({ config });
  await home(page, world);
  const evil = allApps(page).getByRole('button', { name: '<img src=x onerror="window.pwned=1">Evil' });
  await expect(evil).toBeVisible();
  await expect(evil).toHaveAttribute('title', '<script>window.pwned=2</script>');
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
});

test('instant search: Ctrl+K, filter on every keystroke, arrows and Enter open an app, Escape clears', async ({ page, world }) => {
  await home(page, world);
  await page.getByRole('heading', { name: 'Home' }).click();
  await page.keyboard.press('Control+k');
  const search = page.getByRole('searchbox', { name: 'Search apps' });
  await expect(search).toBeFocused();
  await page.keyboard.type('a');
  await expect(allApps(page).getByRole('button')).toHaveCount(3); // Contacts, My App, Badger contain "a"
  await page.keyboard.type('pp');
  await expect(allApps(page).getByRole('button')).toHaveCount(1);
  await expect(page.getByText('1 app matches')).toBeVisible();
  await shots(page, 'home-search');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  // (The search also asked the hidden contact-search provider: it runs without a tab.)
  await expect.poll(() => world.core.snapshot().runningApps.filter((a) => !a.hidden).map((a) => a.name)).toEqual(['myapp']);
  // The opened app is now in front; back to the home screen, where the search still holds "app".
  await page.getByRole('button', { name: 'Home screen' }).click();
  await search.fill('zzz');
  await expect(page.getByText('No apps match “zzz”.')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(search).toHaveValue('');
  await expect(allApps(page).getByRole('button')).toHaveCount(4);
});

test('search results wait while keys come faster than every 100 ms, and follow at once a key after a pause', async ({ page, world }) => {
  // The page's clock, paused: keys typed while it stands still came "at once" for the page.
  await page.clock.install();
  await home(page, world);
  await page.clock.pauseAt(Date.now() + 60_000);
  await page.evaluate(() => {
    const w = window as unknown as { __counts: string[] };
    w.__counts = [];
    const count = document.querySelector('.search-count')!;
    new MutationObserver(() => {
      if (count.textContent && w.__counts.at(-1) !== count.textContent) w.__counts.push(count.textContent);
    }).observe(count, { childList: true, subtree: true, characterData: true });
  });
  const counts = () => page.evaluate(() => (window as unknown as { __counts: string[] }).__counts);
  // Many turns of the page's task queue, where React renders what it has deferred (its scheduler
  // posts messages too): a result that would follow a key has followed it by then.
  const settle = () =>
    page.evaluate(
      () =>
        new Promise<void>((done) => {
          const channel = new MessageChannel();
          let turns = 0;
          channel.port1.onmessage = () => (++turns < 50 ? channel.port2.postMessage(0) : done());
          channel.port2.postMessage(0);
        }),
    );
  const search = page.getByRole('searchbox', { name: 'Search apps' });
  await search.focus();
  // The first key comes after a pause: its results at once (the positive control for the settles).
  await page.keyboard.type('a');
  await expect.poll(counts).toEqual(['3 apps match']);
  // "ad" (2 apps) 60 ms after it, then "adz" 60 ms later: held. A key puts off what the one
  // before it waits for, so "ad" never shows (its 100 ms are up before the last key's).
  await page.clock.runFor(60);
  await page.keyboard.type('d');
  await settle();
  await page.clock.runFor(60);
  await page.keyboard.type('z');
  await settle();
  await page.clock.runFor(60);
  await settle();
  await expect(search).toHaveValue('adz');
  expect(await counts()).toEqual(['3 apps match']);
  // The keys pause: the results of what was typed last.
  await page.clock.runFor(40);
  await expect.poll(counts).toEqual(['3 apps match', 'No apps match “adz”.']);
  // A key long after the last: followed at once, with the clock still standing.
  await page.clock.runFor(1_000);
  await page.keyboard.press('Backspace');
  await expect.poll(counts).toEqual(['3 apps match', 'No apps match “adz”.', '2 apps match']);
  await expect(allApps(page).getByRole('button')).toHaveCount(2); // Badger, and Contacts by its description
});

test('clicking a tile opens the app', async ({ page, world }) => {
  await home(page, world);
  await allApps(page).getByRole('button', { name: 'Website' }).click();
  await expect.poll(() => world.core.snapshot().runningApps.map((a) => a.name)).toEqual(['website']);
});

test('edit home: pin and unpin, saved at the PBX with SetApps', async ({ page, world }) => {
  await home(page, world);
  await page.getByRole('button', { name: 'Edit home' }).click();
  await page.getByRole('button', { name: 'Pin My App' }).click();
  await expect(page.getByRole('button', { name: 'Pin My App' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Pin Badger' }).click();
  await shots(page, 'home-edit');
  await page.getByRole('button', { name: 'Done' }).click();
  const setApps = await world.pbx.waitFor('SetApps');
  expect(String(setApps.msg.home).split(',').sort()).toEqual(['contacts', 'myapp']);
  await expect(page.getByRole('region', { name: 'Home' }).getByRole('button', { name: 'My App' })).toBeVisible();
});

test('own presence: choose busy with a note', async ({ page, world }) => {
  await home(page, world);
  await page.getByRole('button', { name: /Alice Example/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Your presence' });
  await dialog.getByRole('textbox', { name: 'Note' }).fill('in a meeting');
  await dialog.getByRole('button', { name: 'Save note' }).click();
  await dialog.getByRole('radio', { name: 'Busy' }).check();
  await expect.poll(() => world.pbx.framesOf('SetOwnPresence').at(-1)?.msg).toMatchObject({ activity: 'busy', note: 'in a meeting' });
  await expect(page.getByRole('button', { name: /Alice Example.*Busy/ })).toBeVisible();
  await shots(page, 'home-presence');
});

test('reconnecting: the status counts down, the home screen stays usable, then it is back', async ({ page, world }) => {
  await home(page, world);
  await world.pbx.stop();
  await expect(page.getByRole('status')).toContainText(/Reconnecting in \d+ s \(attempt \d+\)/);
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeEnabled();
  await shots(page, 'home-reconnecting');
  await world.pbx.restart({ downMs: 0 });
  await expect(page.getByRole('status')).toContainText('Connected to', { timeout: 10_000 });
});

test('standby PBX is shown in the status', async ({ page, world }) => {
  const standby = world.pbx; // the first emulator becomes the standby
  const config = e2eConfig(world.iconBase);
  config.options = { alt: `${standby.hostPort}/PBX0` };
  const sessions = standby.sessions;
  await world.start({ config, sessions });
  // world.start stopped the old emulator; bring the standby back on its port with the shared sessions.
  await standby.restart({ downMs: 0 });
  await home(page, world);
  await world.pbx.stop();
  await expect(page.getByRole('status')).toContainText('(standby PBX)', { timeout: 10_000 });
  await shots(page, 'home-standby');
  await standby.stop();
});
