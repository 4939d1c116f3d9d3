import { expect, test } from '@playwright/test';
import {
  authHeaders,
  BACKEND,
  deleteCluster,
  enterAsGuest,
  screenshot,
} from './support';

const NAME = 'browser-cache';

// The template creates a Delete cluster in the dev profile; whatever the
// test did, the cache and its engines go afterwards.
test.afterAll(async ({ request }) => {
  await deleteCluster(request, 'default', NAME);
});

test('a developer creates a Redis cache from its golden template and sees it in its cards', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  await enterAsGuest(page);
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Create' }).click();
  // The third card: templates are listed by title.
  await expect(page.getByText('Redis cache', { exact: true })).toBeVisible();
  await page
    .getByRole('button', { name: /choose/i })
    .nth(2)
    .click();
  await expect(page.getByText('Account name')).toBeVisible();

  await page.getByLabel('Name').first().fill(NAME);
  await page.getByLabel('Owning team').fill('payments');
  await page
    .getByRole('option', { name: /payments.team/i })
    .first()
    .click();
  await page.getByLabel('The service it serves').fill('payments');
  await page
    .getByRole('option', { name: /payments.service/i })
    .first()
    .click();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Region profile')).toBeVisible();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  await expect(page.getByText('The cache in the catalog')).toBeVisible({
    timeout: 120_000,
  });
  // How to connect, as a Redis client does, without the password.
  await expect(page.getByText(/redis:\/\/app:@127\.0\.0\.1:\d+/)).toBeVisible();
  await screenshot(page, 'redis-template-done');

  await page.getByRole('link', { name: 'The cache in the catalog' }).click();
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('managed by Basalt').first()).toBeVisible({
      timeout: 2_000,
    });
  }).toPass({ timeout: 60_000 });

  // The catalog calls it what its engine says it is.
  const entity = await request.get(
    `${BACKEND}/api/catalog/entities/by-name/resource/default/${NAME}`,
    { headers: await authHeaders(request) },
  );
  expect((await entity.json()).spec.type).toBe('cache');

  // Its cards speak of a cache, and show Redis itself at work.
  const health = page.locator('article', {
    has: page.getByRole('heading', { name: 'Cache health' }),
  });
  await expect(health.getByLabel('Phase')).toContainText(
    'Running · 1 of 1 instances ready',
    { timeout: 60_000 },
  );
  await expect(health.getByText('primary', { exact: true })).toBeVisible();
  const logs = page.locator('article', {
    has: page.getByRole('heading', { name: 'Cache logs' }),
  });
  await expect(
    logs.getByText(/Ready to accept connections/).first(),
  ).toBeVisible();
  const figures = health.getByRole('table', { name: 'Engine figures' });
  await expect(
    figures.getByRole('columnheader', { name: 'Memory used', exact: true }),
  ).toBeVisible();
  await expect(
    figures.getByRole('columnheader', { name: 'Keys', exact: true }),
  ).toBeVisible();
  await screenshot(page, 'redis-cache-cards');
});
