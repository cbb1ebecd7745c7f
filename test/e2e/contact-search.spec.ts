/**
 * Ctrl+K searches contacts too, end to end in the browser shell: the core asks every
 * `com.innovaphone.search` app (the sample `contacts` page, served as Contacts and as a hidden
 * Directory: first result at once, the rest when its App Service answers `Lookup`, which a test
 * holds back), merges and ranks what arrives, and the home screen's "Contacts" section shows it
 * with Call (the sample phone app), Chat (the sample chat app) and Open (the contact's app link).
 */
import type { FrameLocator, Locator, Page } from '@playwright/test';
import type { SampleApps } from '../apps/server.js';
import type { EmulatorConfig } from '../pbx/index.js';
import { allApps, expect, recordSends, sentFrames, shots, test, type StartOptions, type World } from './fixtures.js';
import { sampleAppObject, startWithSampleApps } from './sample-services.js';

const SEARCH = { 'com.innovaphone.search': {} };

function config(): EmulatorConfig {
  const app = sampleAppObject;
  return {
    domain: 'example.com',
    pbx: 'master',
    users: [{ sip: 'alice', password: 'Secret123!', dn: 'Alice Example', apps: ['echo', 'contacts', 'directory', 'phone', 'chat'] }],
    appObjects: [
      app('echo', 'Echo'),
      app('contacts', 'Contacts', { apis: SEARCH }),
      app('directory', 'Directory', { hidden: true, apis: SEARCH }),
      app('phone', 'Phone', { apis: { 'com.innovaphone.phone': {} } }),
      app('chat', 'Chat', { apis: { 'com.innovaphone.chat': {} } }),
    ],
  };
}

let sample: SampleApps | undefined;
test.afterEach(async () => {
  await sample?.close();
  sample = undefined;
});

async function start(world: World, page: Page, options: Omit<StartOptions, 'config'> = {}): Promise<SampleApps> {
  sample = await startWithSampleApps(world, page, config(), options);
  return sample;
}

const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search apps and contacts' });
const contacts = (page: Page) => page.getByRole('region', { name: 'Contacts' });
const progress = (page: Page) => contacts(page).getByRole('status');
const contact = (page: Page, name: string): Locator => contacts(page).getByRole('listitem', { name });
/** The names of the contacts shown, top to bottom. */
const shown = (page: Page) => contacts(page).getByRole('listitem').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label')));
/** The app's own document inside its app-frame page. */
const app = (page: Page, title: string): FrameLocator => page.frameLocator(`iframe[title="${title}"]`).frameLocator(`iframe[title="${title}"]`);

/**
 * Whether the home screen rendered, seen through React's DevTools hook (which React calls after
 * every commit, production builds included): the home screen's component is the nearest one
 * above the search box, and every render of it makes its hook list anew. `renderOfHome()` is a
 * number that changes whenever the home screen (and with it the tile grid, whose props come only
 * from it) rendered. Installed before the UI loads.
 */
async function watchHomeRenders(page: Page): Promise<void> {
  await page.addInitScript(() => {
    type Fiber = { tag: number; stateNode: unknown; return: Fiber | null; child: Fiber | null; sibling: Fiber | null; memoizedState: unknown };
    const roots = new Set<{ current: Fiber }>();
    const seen: unknown[] = [];
    (window as unknown as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
      supportsFiber: true,
      renderers: new Map(),
      inject: () => 1,
      onCommitFiberRoot: (_id: number, root: { current: Fiber }) => roots.add(root),
      onCommitFiberUnmount: () => undefined,
      onPostCommitFiberRoot: () => undefined,
      checkDCE: () => undefined,
    };
    (window as unknown as Record<string, unknown>).renderOfHome = () => {
      const input = document.querySelector('input[type="search"]');
      for (const root of roots) {
        const stack: Fiber[] = [root.current];
        while (stack.length > 0) {
          const fiber = stack.pop()!;
          if (fiber.stateNode === input) {
            let home = fiber.return;
            while (home && home.tag !== 0) home = home.return; // 0: a function component
            if (!home) return -1;
            if (!seen.includes(home.memoizedState)) seen.push(home.memoizedState);
            return seen.indexOf(home.memoizedState);
          }
          if (fiber.sibling) stack.push(fiber.sibling);
          if (fiber.child) stack.push(fiber.child);
        }
      }
      return -1;
    };
  });
}
const renderOfHome = (page: Page) => page.evaluate(() => (window as unknown as { renderOfHome(): number }).renderOfHome());

/** Ctrl+K from wherever the focus is, then `query` typed into the search box. */
async function search(page: Page, query: string): Promise<void> {
  await page.keyboard.press('Control+k');
  await expect(searchBox(page)).toBeFocused();
  await page.keyboard.type(query);
}

test('Ctrl+K: contacts from two apps arrive merged (one Anna) and ranked, with progress; the later results follow, then done — without rendering the home screen or its tile grid again', async ({ page, world }) => {
  await watchHomeRenders(page);
  const apps = await start(world, page);
  apps.hold('contacts', 'Lookup');
  apps.hold('directory', 'Lookup');
  await search(page, 'an');
  // Both apps answer their first result at once (the hidden Directory started for it): the same
  // Anna Kaiser (same guid and SIP name) from both, shown once.
  await expect(progress(page)).toHaveText('Searching 2 apps…');
  const anna = contact(page, 'Anna Kaiser');
  await expect(anna).toHaveAttribute('title', /^Found by (Contacts and Directory|Directory and Contacts)$/);
  expect(await shown(page)).toEqual(['Anna Kaiser']);
  await expect(anna).toContainText('anna · +49 30 5550101 · anna.kaiser@example.com');
  // Her photo, relative to the App URL of the app that found her first; the others show their initial.
  await expect(anna.locator('img')).toHaveAttribute('src', new RegExp(`^${apps.origin}/apps/(contacts|directory)/anna\\.png$`));
  for (const action of ['Call Anna Kaiser', 'Chat with Anna Kaiser', 'Open Anna Kaiser']) await expect(anna.getByRole('button', { name: action })).toBeVisible();
  // The tile search is unaffected: no app matches.
  await expect(page.getByText('No apps match “an”.')).toBeVisible();

  const homeBefore = await renderOfHome(page);
  expect(homeBefore).toBeGreaterThanOrEqual(0);

  // The Directory's service answers: its other two arrive, ranked (a word starting with "an" above a name containing it).
  apps.release('directory', 'Lookup');
  await expect(progress(page)).toHaveText('Searching 1 app…');
  await expect.poll(() => shown(page)).toEqual(['Anna Kaiser', 'Jan Anders', 'Hannah Lang']);
  // Its contacts offer Call and Chat; Open only where the link names an app of the user's (the Directory is hidden).
  await expect(contact(page, 'Jan Anders').getByRole('button')).toHaveText(['Call', 'Chat']);
  await expect(contact(page, 'Jan Anders').locator('.contact-monogram')).toHaveText('J');

  // Then the Contacts app's: Andreas Brandt starts with "an", so he goes above Jan (after Anna, who came first).
  apps.release('contacts', 'Lookup');
  await expect(progress(page)).toHaveText('4 contacts found.');
  expect(await shown(page)).toEqual(['Anna Kaiser', 'Andreas Brandt', 'Jan Anders', 'Hannah Lang']);
  await shots(page, 'contact-search');
  // Three arrivals later, the home screen has not rendered again: only the Contacts section did.
  expect(await renderOfHome(page)).toBe(homeBefore);
  // Positive control: a keystroke renders it (the watch sees renders).
  await page.keyboard.press('End');
  await page.keyboard.type('n');
  await expect.poll(() => renderOfHome(page)).not.toBe(homeBefore);
});

test('Call, Chat and Open: the phone app calls, the chat app opens the chat, the link opens the contact in its app; the keyboard reaches the contacts', async ({ page, world }) => {
  await start(world, page);
  await search(page, 'kaiser');
  await expect(progress(page)).toHaveText('1 contact found.');
  // No app matches: the first arrow key selects the first contact; Enter calls.
  const box = searchBox(page);
  await box.press('ArrowDown');
  await expect(page.locator(`[id="${await box.getAttribute('aria-activedescendant')}"]`)).toHaveAccessibleName('Anna Kaiser');
  await box.press('Enter');
  // The phone app, started for the call (without a tab), called Anna's SIP name.
  await expect(app(page, 'Phone').getByText('Calling anna')).toHaveCount(1);

  await contact(page, 'Anna Kaiser').getByRole('button', { name: 'Chat with Anna Kaiser' }).click();
  const chat = app(page, 'Chat');
  await expect(chat.getByText('Chat with Anna Kaiser')).toBeVisible();
  await expect(chat.getByRole('list', { name: 'Chats' })).toHaveText('Anna Kaiser (anna)');

  // From inside the chat app (the UI's heading has the focus), Ctrl+K again: the home screen, the search box.
  await search(page, 'kaiser');
  await contact(page, 'Anna Kaiser').getByRole('button', { name: 'Open Anna Kaiser' }).click();
  // The Contacts app, which ran without a tab for the search, comes to the front with the contact.
  await expect(app(page, 'Contacts').getByText('Showing Anna Kaiser')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Running apps' }).getByRole('button', { name: 'Contacts', exact: true })).toBeVisible();
});

test('an older query’s late results never show under a newer one; the newer one’s late results do', async ({ page, world }) => {
  const apps = await start(world, page);
  apps.hold('contacts', 'Lookup');
  await search(page, 'an');
  await expect.poll(() => shown(page)).toEqual(['Anna Kaiser', 'Jan Anders', 'Hannah Lang']);
  await expect(progress(page)).toHaveText('Searching 1 app…');
  await searchBox(page).fill('be');
  await expect(contact(page, 'Bea Berger')).toBeVisible();
  await apps.waitFor('contacts', 'Lookup', (f) => f.search === 'be');
  // The Contacts app's rest for "an" (Andreas Brandt), then its rest for "be" (Ben Becker), in this order.
  apps.release('contacts', 'Lookup');
  await expect(contact(page, 'Ben Becker')).toBeVisible();
  await expect(progress(page)).toHaveText('3 contacts found.');
  // All three start with "be": in the order they came, the held one last.
  expect(await shown(page)).toEqual(['Bea Berger', 'Bert Behrens', 'Ben Becker']);
  await expect(contact(page, 'Andreas Brandt')).toHaveCount(0);
});

test('the core is asked to search only from two characters on, and told when the query is cleared (the search ends)', async ({ page, world }) => {
  await recordSends(page);
  await start(world, page);
  const searches = async () => (await sentFrames(page)).map((f) => /"type":"searchContacts","query":("[^"]*")/.exec(f.data)?.[1]).filter((q) => q !== undefined).map((q) => JSON.parse(q!) as string);
  // One character: no search. Positive control: the second one starts it (so a search for "b" would have been seen).
  await search(page, 'b');
  await page.keyboard.type('e');
  await expect(progress(page)).toHaveText('3 contacts found.');
  expect(await searches()).toEqual(['be']);
  // Cleared: the core is told the search is over, and the section goes.
  await searchBox(page).fill('');
  await expect.poll(searches).toEqual(['be', '']);
  await expect(progress(page)).toHaveCount(0);
});

test('a malformed SearchInfo is dropped; the rest of that app’s answer shows', async ({ page, world }) => {
  await start(world, page);
  // The Directory answers "be" with a malformed Bea Broken first, then Bert Behrens and SearchResult.
  await search(page, 'be');
  await expect(progress(page)).toHaveText('3 contacts found.');
  expect((await shown(page)).sort()).toEqual(['Bea Berger', 'Ben Becker', 'Bert Behrens']);
  await expect(contact(page, 'Bea Broken')).toHaveCount(0);
});

test('an app that never finishes its answer counts as done after the time limit; what it sent shows', async ({ page, world }) => {
  await start(world, page, { contactSearch: { providerTimeoutMs: 2500 } });
  // Both providers running first (their start is not what is timed here).
  await search(page, 'an');
  await expect(progress(page)).toHaveText('4 contacts found.');
  await searchBox(page).fill('nev');
  await expect(contact(page, 'Neville Stall')).toBeVisible();
  await expect(progress(page)).toHaveText('Searching 1 app…');
  await expect(progress(page)).toHaveText('1 contact found. 1 app did not answer in time.');
});

test('browser shell: Ctrl+K in the page around an app opens the search; inside the app’s own frame the browser gives the key to the app only', async ({ page, world }) => {
  await start(world, page);
  const shortcuts: unknown[] = [];
  world.core.onEvent((e) => e.type === 'shortcut' && shortcuts.push(e));
  await allApps(page).getByRole('button', { name: 'Echo' }).click();
  const echo = app(page, 'Echo');
  await expect(echo.getByRole('status')).toHaveText('Logged in as Alice Example (alice)');

  // The focus inside the app (another origin's document): the key is the app's; the UI cannot hear it.
  await echo.getByRole('button', { name: 'Count' }).click();
  await page.keyboard.press('Control+k');

  // The focus in the app-frame page itself (our page around the app): it hands the shortcut to the core, the UI opens the search.
  const viewId = world.core.snapshot().runningApps.find((a) => a.name === 'echo')!.viewId;
  const appFramePage = page.frames().find((f) => f.url().includes('/appframe.html') && new URL(f.url()).searchParams.get('view') === viewId)!;
  await appFramePage.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.focus();
  });
  await page.keyboard.press('Control+k');
  await expect(searchBox(page)).toBeFocused();
  await expect(page.getByRole('heading', { name: 'Home', level: 1 })).toBeVisible();
  // One shortcut reached the core: the page's. The earlier press inside the app's frame, on the same way before it, did not.
  expect(shortcuts).toEqual([{ type: 'shortcut', shortcut: 'search' }]);
  // The app kept running behind the home screen.
  expect(world.core.snapshot().runningApps.find((a) => a.name === 'echo')).toMatchObject({ state: 'alive' });
});
