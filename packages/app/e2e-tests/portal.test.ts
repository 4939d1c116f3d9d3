import { expect, test } from '@playwright/test';
import { enterAsGuest, screenshot } from './support';

test('a guest opens payments-service from the catalog', async ({ page }) => {
  await enterAsGuest(page);

  // The home page is at /; the catalog at /catalog.
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Catalog', exact: true })
    .click();
  await page.getByRole('link', { name: 'Payments Service' }).click();

  await expect(
    page.getByRole('heading', { name: 'Payments Service' }),
  ).toBeVisible();
  await expect(
    page.getByText('Authorises and captures card payments'),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Payments Team' }).first(),
  ).toBeVisible();
  await screenshot(page, 'payments-service');
});

test('the Basalt page in the sidebar shows a healthy backend', async ({
  page,
}) => {
  await enterAsGuest(page);

  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Basalt' })
    .click();

  await expect(page).toHaveURL(/\/basalt$/);
  await expect(page.getByText('The Basalt backend is healthy')).toBeVisible();
  await expect(page.getByText('better-sqlite3 answered')).toBeVisible();
  await screenshot(page, 'basalt-page');
});

test('the Create page offers the golden database templates', async ({
  page,
}) => {
  await enterAsGuest(page);

  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Create' })
    .click();

  await expect(
    page.getByText('PostgreSQL database', { exact: true }),
  ).toBeVisible();
  await expect(
    page.getByText('Ephemeral test database', { exact: true }),
  ).toBeVisible();
  await screenshot(page, 'create-templates');
});

test("the catalog's Owned finds what the guest's team owns", async ({
  page,
}) => {
  await enterAsGuest(page);
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Catalog', exact: true })
    .click();

  // The guest signs in as user:default/guest, a member of payments-team.
  await page.getByText('Owned', { exact: true }).click();

  await expect(
    page.getByRole('link', { name: 'Payments Service' }),
  ).toBeVisible();
  await screenshot(page, 'catalog-owned');
});
