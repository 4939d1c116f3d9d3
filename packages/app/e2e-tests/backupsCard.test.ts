import { expect, test } from '@playwright/test';
import {
  applyAndCatalog,
  authHeaders,
  BACKEND,
  deleteCluster,
  enterAsGuest,
  screenshot,
} from './support';

const NAMESPACE = 'default';
// Unique per run: backups outlive their cluster, and an earlier run's would
// be listed under the same name.
const NAME = `backups-${Date.now().toString(36)}`;
const COPY = `${NAME}-copy`;
const clusterUrl = (name: string) =>
  `${BACKEND}/api/basalt/clusters/${NAMESPACE}/${name}`;

// Delete both clusters, so no engine keeps running after the test, even
// when it failed.
test.afterAll(async ({ request }) => {
  for (const name of [COPY, NAME]) {
    await deleteCluster(request, NAMESPACE, name, 90_000);
  }
});

test('the backups card takes a backup and restores it into a new database', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const headers = await authHeaders(request);
  await applyAndCatalog(request, {
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: {
      name: NAME,
      namespace: NAMESPACE,
      annotations: { 'basalt.dev/owner': 'group:default/payments-team' },
    },
    spec: {
      engine: 'postgresql',
      terminationPolicy: 'Delete',
      databases: ['shop'],
      backup: { retention: '7d' },
    },
  });

  await enterAsGuest(page);
  await page.goto(`/catalog/${NAMESPACE}/resource/${NAME}`);
  const health = page.locator('article', {
    has: page.getByRole('heading', { name: 'Database health' }),
  });
  await expect(health.getByLabel('Phase')).toContainText('Running', {
    timeout: 60_000,
  });
  const card = page.locator('article', {
    has: page.getByRole('heading', { name: 'Database backups' }),
  });
  await expect(card.getByText(/no backups yet/)).toBeVisible();
  await expect(card.getByLabel('Backup policy')).toContainText('7d');

  // Take a physical backup and follow it to completion without a reload.
  await card.getByRole('button', { name: 'Take backup' }).click();
  await expect(card.getByText(/^Backup .* completed$/)).toBeVisible({
    timeout: 60_000,
  });
  const row = card.getByRole('row', { name: /^backup / }).first();
  await expect(row).toContainText('Completed');
  await expect(row).toContainText(/physical/i);
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'backups-card-completed');

  // Restore it into a new database from the card, and see it come up.
  await row.getByRole('button', { name: /^Restore backup / }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name of the new database').fill(COPY);
  await screenshot(page, 'backups-card-restore-dialog');
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(card.getByText(`${COPY} is restored and ready`)).toBeVisible({
    timeout: 120_000,
  });
  await screenshot(page, 'backups-card-restored');

  // On the Data tab too, at this 1440 px page, each backup's Restore… is
  // there to press (a trial click checks it is not hidden or cut off).
  await page.getByText('Data', { exact: true }).click();
  const tabRow = page
    .getByRole('table', { name: 'Backups' })
    .getByRole('row', { name: /^backup / })
    .first();
  await tabRow
    .getByRole('button', { name: /^Restore backup / })
    .click({ trial: true });
  await screenshot(page, 'data-tab-backups');

  const copy = await (await request.get(clusterUrl(COPY), { headers })).json();
  expect(
    copy.status.conditions.find((c: { type: string }) => c.type === 'Restored')
      .status,
  ).toBe('True');
});
