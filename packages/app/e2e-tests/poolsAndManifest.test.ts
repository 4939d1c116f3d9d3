import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import type { PoolStatus } from '@basalt/plugin-basalt-common';
import {
  applyAndCatalog,
  authHeaders,
  BACKEND,
  deleteCluster,
  enterAsGuest,
  screenshot,
} from './support';

const NAMESPACE = 'default';
const NAME = 'pools-e2e-db';
const REF = `${NAMESPACE}/${NAME}`;

test.afterAll(({ request }) => deleteCluster(request, NAMESPACE, NAME));

test('a pool bar tells which clusters hold its volumes; the manifest downloads as a file', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
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
      replicas: 1,
      storage: { size: '2Gi', throughput: '10Mi', pool: 'default' },
      databases: ['orders'],
      terminationPolicy: 'Delete',
    },
  });

  // The node whose pool holds the cluster's volume, once it is observed.
  const headers = await authHeaders(request);
  let node = '';
  await expect
    .poll(
      async () => {
        const { items }: { items: PoolStatus[] } = await (
          await request.get(`${BACKEND}/api/basalt/pools`, { headers })
        ).json();
        const holding = items.find(pool =>
          pool.allocations?.some(a => a.cluster === REF),
        );
        node = holding?.node ?? '';
        return node;
      },
      { timeout: 60_000 },
    )
    .not.toBe('');

  await enterAsGuest(page);
  await page.goto('/basalt');
  const pool = page.getByRole('group', { name: `pool ${node} · default` });
  await expect(pool.getByRole('img', { name: /^Throughput/ })).toBeVisible();
  // Hovering tells the split in short; clicking the bar opens it in full.
  await expect(pool.getByTestId('pool-bars')).toHaveAttribute(
    'title',
    new RegExp(`${REF}: 2\\.0 GiB, 10\\.0 MiB/s`),
  );
  await pool.getByRole('img', { name: /^Throughput/ }).click();
  const list = pool.getByRole('list', {
    name: `Volumes in ${node} · default by cluster`,
  });
  const row = list.getByRole('listitem', { name: REF });
  await expect(row).toContainText('2.0 GiB');
  await expect(row).toContainText('10.0 MiB/s');
  await expect(row).toContainText(`${NAME}-0`);
  await pool.scrollIntoViewIfNeeded();
  await screenshot(page, 'pools-by-cluster');
  await pool.screenshot({
    path: 'test-results/screenshots/pools-by-cluster-pool.png',
  });
  // The keyboard's way: the button says it is open, and closes it.
  const toggle = pool.getByRole('button', {
    name: 'Hide the volumes by cluster',
  });
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(list).toBeHidden();

  // The manifest page, as the templates' output links to it.
  await page.goto(`/basalt/clusters/${REF}/manifest`);
  const shown = page.getByLabel(`Manifest of ${REF}`, { exact: true });
  await expect(shown).toContainText(`name: ${NAME}`);
  await expect(shown).toContainText('throughput: 10Mi');
  await screenshot(page, 'manifest-page');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page
      .getByRole('button', {
        name: `Download the manifest of ${REF} as ${NAME}.yaml`,
      })
      .click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${NAME}.yaml`);
  const file = await readFile((await download.path())!, 'utf8');
  const fromApi = await (
    await request.get(`${BACKEND}/api/basalt/clusters/${REF}/manifest`, {
      headers,
    })
  ).text();
  expect(file).toBe(fromApi);
  expect(file).toContain('kind: EngineCluster');
  expect(file).toContain('basalt.dev/owner: group:default/payments-team');
  expect(file).not.toMatch(/password|status:/i);

  // And from the database's Data tab.
  await page.goto(`/catalog/${NAMESPACE}/resource/${NAME}`);
  await page.getByText('Data', { exact: true }).click();
  const link = page.getByRole('link', { name: 'Open the manifest to commit' });
  await link.scrollIntoViewIfNeeded();
  await screenshot(page, 'data-tab-manifest-link');
  await link.click();
  await expect(page).toHaveURL(
    new RegExp(`/basalt/clusters/${NAMESPACE}/${NAME}/manifest$`),
  );
  await expect(shown).toContainText(`name: ${NAME}`);
});
