/** Account security and settings, plus the quality bars every screen must meet. */
import type { Page } from '@playwright/test';
import { PbxSession } from '../../main/core/pbx/session.js';
import { allApps, expect, logIn, shots, test, type World } from './fixtures.js';

async function home(page: Page, world: World, user = 'alice', password = 'Secret123!') {
  await world.open();
  await logIn(page, world, user, password);
  await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
}

/** The colour behind the main content (dark schemes have small channel values). */
const pageBackground = (page: Page) =>
  page.getByRole('main').evaluate((el) => {
    for (let e: Element | null = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (!/^rgba\(.*,\s*0\)$/.test(bg)) return bg;
    }
    return '';
  });

/** Another device of the user, logged in through the protocol core. */
async function otherDevice(world: World, user: string, password: string) {
  const s = new PbxSession({ address: world.pbx.url, userAgent: 'myApps (Other laptop)' });
  return { s, done: s.login({ username: user, password }) };
}

test.describe('account security', () => {
  test('lists own sessions and logs out another device', async ({ page, world }) => {
    await home(page, world);
    const { s, done } = await otherDevice(world, 'alice', 'Secret123!');
    await done;
    await page.getByRole('button', { name: 'Account security' }).click();
    await expect(page.getByRole('heading', { name: 'Account security' })).toBeFocused();
    await expect(page.getByText('This device', { exact: true })).toBeVisible();
    await expect(page.getByText('myApps (Other laptop)')).toBeVisible();
    await shots(page, 'account-security');
    const loggedOut = s.next('loggedOut');
    await page.getByRole('button', { name: 'Log out this device' }).click();
    expect(await loggedOut).toEqual({ remote: true });
    await expect(page.getByText('myApps (Other laptop)')).toHaveCount(0);
  });

  test('authorizes a pending session showing its code', async ({ page, world }) => {
    const first = await otherDevice(world, 'bob', 'bobpass');
    await expect.poll(() => world.pbx.userSessions('bob').some((x) => x.pending)).toBe(true);
    world.pbx.approve('bob');
    await first.done;
    // This browser is bob's second device: approve it from the first, then use it to approve a third.
    await world.open();
    await logIn(page, world, 'bob', 'bobpass');
    await expect(page.getByText(/Confirm this login on another device/)).toBeVisible();
    const pendingId = world.pbx.userSessions('bob').find((x) => x.pending)!.id;
    first.s.authorizeSession(pendingId);
    await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
    const third = await otherDevice(world, 'bob', 'bobpass');
    await page.getByRole('button', { name: 'Account security' }).click();
    await expect(page.getByText(/Waiting for approval — code \d{4}/)).toBeVisible();
    const code = world.pbx.userSessions('bob').find((x) => x.pending)!.code;
    await expect(page.getByText(`Waiting for approval — code ${code}`)).toBeVisible();
    await shots(page, 'account-security-pending');
    await page.getByRole('button', { name: 'Authorize' }).click();
    expect(await third.done).toMatchObject({ kind: 'logged-in' });
    first.s.close();
    third.s.close();
  });

  test('log out returns to the login screen; a remote logout says so', async ({ page, world }) => {
    await home(page, world);
    await page.getByRole('button', { name: 'Account security' }).click();
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Log in to myApps' })).toBeVisible();
    expect(world.pbx.framesOf('Logout')).toHaveLength(1);
    await logIn(page, world);
    await expect(allApps(page).getByRole('button', { name: 'Contacts' })).toBeVisible();
    world.pbx.inject('{"mt":"LogoutResult"}', { user: 'alice' });
    await expect(page.getByText('You were logged out from another device.')).toBeVisible();
  });
});

test.describe('settings', () => {
  test('scheme, language, developer mode and per-app mute are saved', async ({ page, world }) => {
    await home(page, world);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(() => world.core.snapshot().settings.values.scheme).toBe('dark');
    await expect.poll(() => pageBackground(page)).toMatch(/rgb\((\d|[1-5]\d),/);
    await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Deutsch' });
    await expect.poll(() => world.core.snapshot().settings.values.language).toBe('de');
    // The UI speaks it at once (language.spec.ts has the rest); back to English for the steps below.
    await expect(page.getByRole('heading', { name: 'Einstellungen' })).toBeVisible();
    await page.getByRole('combobox', { name: 'Sprache' }).selectOption({ label: 'English' });
    await expect.poll(() => world.core.snapshot().settings.values.language).toBe('en');
    await page.getByRole('switch', { name: 'Developer mode' }).click();
    await expect.poll(() => world.core.snapshot().settings.values.developerMode).toBe(true);
    await page.getByRole('group', { name: 'Mute notifications' }).getByRole('checkbox', { name: 'Badger' }).check();
    await expect.poll(() => world.core.snapshot().settings.mutedApps).toEqual(['badger']);
    await shots(page, 'settings');
    await page.getByRole('radio', { name: 'Follow system' }).check();
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => pageBackground(page)).toMatch(/rgb\(2[0-5]\d,/);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => pageBackground(page)).toMatch(/rgb\((\d|[1-5]\d),/);
  });

  test('items locked by policy show a lock and cannot be changed', async ({ page, world }) => {
    await world.restartClient({ policy: { enforced: { developerMode: false, appDevTools: false } } });
    await home(page, world);
    await page.getByRole('button', { name: 'Settings' }).click();
    const dev = page.getByRole('switch', { name: 'Developer mode' });
    await expect(dev).toBeDisabled();
    await expect(dev).toHaveAccessibleDescription(/Set by your IT department/);
    await expect(page.getByRole('switch', { name: 'App DevTools' })).toBeDisabled();
    await expect(page.getByRole('switch', { name: 'Start minimised' })).toBeEnabled();
    await shots(page, 'settings-locked');
    // Even a forged command is refused by the core.
    expect(await world.core.handle({ type: 'updateSettings', patch: { developerMode: true } })).toMatchObject({ ok: false });
  });

  test('notices: a broken policy is reported and can be dismissed', async ({ page, world }) => {
    await world.restartClient({ policy: { enforced: { autostart: 'yes' } } });
    await world.open();
    const notices = page.getByRole('region', { name: 'Notices' });
    await expect(notices).toContainText('enforced.autostart');
    await shots(page, 'notices');
    await notices.getByRole('button', { name: 'Dismiss' }).click();
    await expect(page.getByRole('region', { name: 'Notices' })).toHaveCount(0);
  });
});

test.describe('quality', () => {
  test('visible focus on tiles and buttons', async ({ page, world }) => {
    await home(page, world);
    await page.getByRole('searchbox', { name: 'Search apps' }).focus();
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    const ring = await focused.evaluate((el) => {
      const s = getComputedStyle(el);
      return { outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, shadow: s.boxShadow !== 'none' };
    });
    expect(ring.outline || ring.shadow).toBe(true);
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`text contrast meets WCAG AA in the ${scheme} scheme`, async ({ page, world }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await home(page, world);
      const worst = await page.evaluate(() => {
        const lum = (c: string) => {
          const [r, g, b] = (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => {
            const x = Number(v) / 255;
            return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const background = (el: Element | null): string => {
          for (let e = el; e; e = e.parentElement) {
            const bg = getComputedStyle(e).backgroundColor;
            if (bg && !/^rgba\(.*,\s*0\)$/.test(bg) && bg !== 'transparent') return bg;
          }
          return getComputedStyle(document.body).backgroundColor;
        };
        let min = { ratio: 21, text: '' };
        for (const el of document.querySelectorAll('h1, h2, button, label, p, span, a, li')) {
          if (!el.textContent?.trim() || (el as HTMLElement).offsetParent === null) continue;
          const s = getComputedStyle(el);
          const [a, b] = [lum(s.color), lum(background(el))];
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < min.ratio) min = { ratio, text: el.textContent.trim().slice(0, 40) };
        }
        return min;
      });
      expect(worst.ratio, `lowest contrast: "${worst.text}"`).toBeGreaterThanOrEqual(4.5);
    });
  }

  test('the page refuses inline scripts (CSP)', async ({ page, world }) => {
    await world.open();
    const violation = page.evaluate(() => new Promise<string>((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true })));
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.append(s);
    });
    expect(await violation).toMatch(/script-src/);
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
  });
});
