import { expect, test } from '@playwright/test';
import { authHeaders, BACKEND, enterAsGuest, screenshot } from './support';

const NAME = 'browser-db';

// The template creates a BackupThenDelete cluster; the test lets it go and
// deletes it, so no engine keeps running after the test, even when it failed.
test.afterAll(async ({ request }) => {
  const headers = await authHeaders(request);
  const url = `${BACKEND}/api/basalt/clusters/default/${NAME}`;
  const existing = await request.get(url, { headers });
  if (!existing.ok()) return;
  const cluster = await existing.json();
  await request.post(`${BACKEND}/api/basalt/clusters`, {
    headers,
    data: {
      apiVersion: cluster.apiVersion,
      kind: cluster.kind,
      metadata: {
        name: NAME,
        namespace: 'default',
        annotations: cluster.metadata.annotations,
      },
      spec: { ...cluster.spec, terminationPolicy: 'Delete' },
    },
  });
  await request.delete(url, { headers });
  await expect
    .poll(async () => (await request.get(url, { headers })).status(), {
      timeout: 60_000,
    })
    .toBe(404);
});

test('a developer creates a PostgreSQL database from the golden template and finds it in the catalog', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await enterAsGuest(page);
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Create' }).click();
  // The second card: templates are listed by title.
  await expect(
    page.getByText('PostgreSQL database', { exact: true }),
  ).toBeVisible();
  await page
    .getByRole('button', { name: /choose/i })
    .nth(1)
    .click();

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
  await screenshot(page, 'template-step-1');
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.getByText('Region profile')).toBeVisible();
  await screenshot(page, 'template-step-2');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  await expect(page.getByText('The database in the catalog')).toBeVisible({
    timeout: 120_000,
  });
  // How to connect, without the password…
  await expect(
    page.getByText(
      /postgresql:\/\/app@127\.0\.0\.1:\d+\/app\?sslmode=verify-full/,
    ),
  ).toBeVisible();
  await screenshot(page, 'template-done');
  // …and the manifest to commit, as written.
  await page.getByRole('button', { name: 'The manifest to commit' }).click();
  await expect(page.getByText(`name: ${NAME}`).first()).toBeVisible();
  await expect(page.getByText('kind: EngineCluster').first()).toBeVisible();
  await screenshot(page, 'template-done-manifest');

  await page.getByRole('link', { name: 'The database in the catalog' }).click();
  // The catalog publishes it within seconds; this page does not refresh.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('managed by Basalt').first()).toBeVisible({
      timeout: 2_000,
    });
  }).toPass({ timeout: 60_000 });
  await screenshot(page, 'database-resource');
});
