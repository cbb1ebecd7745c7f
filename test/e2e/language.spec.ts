/**
 * The UI in the user's language, and the same language for the apps: German chosen in Settings
 * (login screen, home, Settings, `<html lang>`, a running app told with SetLang), German from the
 * browser's language with the setting on "auto" (the app's URL carries it, as the core resolves
 * it the UI's way), and screenshots of the main screens in English and German
 * (test-results/screenshots/<screen>.<en|de>.png).
 */
import type { Frame, Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SampleApps } from '../apps/server.js';
import type { SampleAppHooks } from '../apps/hooks.js';
import { allApps, e2eConfig, expect, logIn, test, type World } from './fixtures.js';
import { sampleAppObject, serveSampleApps } from './sample-services.js';

const screenshotDir = resolve(fileURLToPath(import.meta.url), '../../../test-results/screenshots');

let sample: SampleApps | undefined;
test.afterEach(async () => {
  await sample?.close();
  sample = undefined;
});

/** The e2e users and apps, plus the sample Echo app for alice (its page records what it receives). */
async function startWithEcho(world: World): Promise<void> {
  const config = e2eConfig(world.iconBase);
  config.appObjects.push(sampleAppObject('echo', 'Echo'));
  config.users.find((u) => u.sip === 'alice')!.apps.push('echo');
  sample = await serveSampleApps(config);
  await world.start({ config });
  await world.open();
}

/** Echo's own document (inside its app-frame page), once its app library runs (its hooks exist). */
async function echoFrame(page: Page): Promise<Frame> {
  const find = () => page.frames().find((f) => f.url().includes('/apps/echo/echo.htm'));
  // An app's first load (its page, its service, the app login) may take a while on a busy machine.
  await expect.poll(async () => (await find()?.evaluate(() => 'sampleApp' in window).catch(() => false)) === true, { timeout: 15_000 }).toBe(true);
  return find()!;
}

const hooksOf = (frame: Frame) => frame.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { sampleApp: SampleAppHooks }).sampleApp)) as SampleAppHooks);
const setLangs = async (frame: Frame) => (await hooksOf(frame)).received.filter((m) => m.mt === 'SetLang');

test('German chosen in Settings: login, home and Settings in German, <html lang="de">; a running app gets SetLang', async ({ page, world }) => {
  await startWithEcho(world);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Deutsch' });
  await expect(page.getByRole('heading', { name: 'Einstellungen' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('radio', { name: 'Dunkel' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Sprache' })).toHaveValue('de');

  // The login screen (Home before a login).
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Bei myApps anmelden' })).toBeVisible();
  await page.getByRole('textbox', { name: 'PBX' }).fill(world.pbx.url);
  await page.getByRole('textbox', { name: 'Benutzername' }).fill('alice');
  await page.getByLabel('Kennwort').fill('Secret123!');
  await page.getByRole('button', { name: 'Anmelden' }).click();

  // Home: headings, search, a badge's plural, the status bar.
  const all = page.getByRole('region', { name: 'Alle Apps' });
  await expect(all.getByRole('button', { name: 'Contacts' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Start' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText(`Verbunden mit ${world.pbx.hostPort}`);
  await expect(all.getByRole('img', { name: '3 neu' })).toBeVisible();
  await expect(page.getByRole('searchbox')).toHaveAccessibleName(/^Apps .*suchen$/);
  await page.getByRole('searchbox').fill('o');
  await expect(page.getByText(/^\d+ passende Apps$/)).toBeVisible();
  await page.getByRole('searchbox').fill('');
  await expect(page.getByRole('button', { name: 'Startseite bearbeiten' })).toBeVisible();

  // A running app was started in German, and hears of every change.
  await all.getByRole('button', { name: 'Echo' }).click();
  const echo = await echoFrame(page);
  await expect.poll(async () => (await hooksOf(echo)).loginState).toBe('connected');
  expect((await hooksOf(echo)).start.lang).toBe('de');
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('button', { name: 'Einstellungen' }).click();
  await page.getByRole('combobox', { name: 'Sprache' }).selectOption({ label: 'English' });
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect.poll(() => setLangs(echo)).toEqual([{ mt: 'SetLang', lang: 'en' }]);
  await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Deutsch' });
  await expect.poll(() => setLangs(echo)).toEqual([
    { mt: 'SetLang', lang: 'en' },
    { mt: 'SetLang', lang: 'de' },
  ]);
  await expect(page.getByRole('heading', { name: 'Einstellungen' })).toBeVisible();
});

test.describe('with the browser in German', () => {
  test.use({ locale: 'de-DE' });

  test('"auto" follows the browser: the UI in German, and the app started with lang=de by the core (no SetLang needed)', async ({ page, world }) => {
    await startWithEcho(world);
    await expect(page.getByRole('heading', { name: 'Bei myApps anmelden' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    expect(world.core.snapshot().settings.values.language).toBe('auto');
    await page.getByRole('textbox', { name: 'PBX' }).fill(world.pbx.url);
    await page.getByRole('textbox', { name: 'Benutzername' }).fill('alice');
    await page.getByLabel('Kennwort').fill('Secret123!');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('region', { name: 'Alle Apps' }).getByRole('button', { name: 'Echo' }).click();
    const echo = await echoFrame(page);
    expect(echo.url()).toMatch(/[?&]lang=de(&|$)/);
    expect((await hooksOf(echo)).start.lang).toBe('de');
    // Positive control: a change does reach the app, and it is the only SetLang it ever got.
    await page.getByRole('button', { name: 'Einstellungen' }).click();
    await page.getByRole('combobox', { name: 'Sprache' }).selectOption({ label: 'English' });
    await expect.poll(() => setLangs(echo)).toEqual([{ mt: 'SetLang', lang: 'en' }]);
    await page.getByRole('combobox', { name: 'Language' }).selectOption({ value: 'auto' });
    await expect(page.getByRole('heading', { name: 'Einstellungen' })).toBeVisible();
    await expect.poll(() => setLangs(echo)).toEqual([
      { mt: 'SetLang', lang: 'en' },
      { mt: 'SetLang', lang: 'de' },
    ]);
  });
});

test('IT enforces German: the login screen in German, the language locked in Settings', async ({ page, world }) => {
  await world.restartClient({ policy: { enforced: { language: 'de' } } });
  await world.open();
  await expect(page.getByRole('heading', { name: 'Bei myApps anmelden' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await page.getByRole('button', { name: 'Einstellungen' }).click();
  const language = page.getByRole('combobox', { name: 'Sprache' });
  await expect(language).toBeDisabled();
  await expect(language).toHaveAccessibleDescription(/Von Ihrer IT-Abteilung festgelegt/);
  expect(await world.core.handle({ type: 'updateSettings', patch: { language: 'en' } })).toMatchObject({ ok: false });
});

/**
 * The current screen in English and in German (the setting changed through the core), light
 * scheme, the window as tall as the screen's content: the screens scroll inside the window, so a
 * full-page shot alone would cut Settings off.
 */
async function bothLanguages(page: Page, world: World, screen: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const viewport = page.viewportSize()!;
  for (const lang of ['en', 'de'] as const) {
    await world.core.handle({ type: 'updateSettings', patch: { language: lang } });
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    const hidden = await page.evaluate(() => Math.max(0, ...Array.from(document.querySelectorAll('main, main *'), (e) => e.scrollHeight - e.clientHeight)));
    await page.setViewportSize({ width: viewport.width, height: viewport.height + hidden });
    await page.screenshot({ path: `${screenshotDir}/${screen}.${lang}.png`, fullPage: true });
    await page.setViewportSize(viewport);
  }
  await world.core.handle({ type: 'updateSettings', patch: { language: 'en' } });
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
}

test('screenshots of the main screens in English and German', async ({ page, world }) => {
  await startWithEcho(world);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.getByRole('heading', { name: 'Log in to myApps' })).toBeVisible();
  await bothLanguages(page, world, 'login');
  await logIn(page, world);
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
  await bothLanguages(page, world, 'home');
  await page.getByRole('searchbox').fill('o');
  await expect(page.getByText(/^\d+ apps match$/)).toBeVisible();
  await bothLanguages(page, world, 'home-search');
  await page.getByRole('searchbox').fill('');
  await page.getByRole('button', { name: 'Edit home' }).click();
  await bothLanguages(page, world, 'home-edit');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await bothLanguages(page, world, 'settings');
  await page.getByRole('button', { name: 'Account security' }).click();
  await expect(page.getByRole('heading', { name: 'Account security' })).toBeVisible();
  await bothLanguages(page, world, 'account-security');
  await page.getByRole('button', { name: 'Home', exact: true }).click();
  await allApps(page).getByRole('button', { name: 'Echo' }).click();
  const echo = await echoFrame(page);
  await expect.poll(async () => (await hooksOf(echo)).loginState).toBe('connected');
  await bothLanguages(page, world, 'app');
});
