import { expect, logIn, shot, test } from './fixtures.js';

test('smoke: log in and see tiles', async ({ page, world }) => {
  await world.open();
  await shot(page, 'login');
  await logIn(page, world);
  await expect(page.getByRole('region', { name: 'All apps' }).getByRole('button', { name: 'Contacts' })).toBeVisible();
  await shot(page, 'home');
});
