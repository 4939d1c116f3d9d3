import { expect, Page, test } from '@playwright/test';
import {
  applyAndCatalog,
  authHeadersOf,
  BACKEND,
  deleteCluster,
  enterAs,
  screenshot,
} from './support';

const NAMESPACE = 'default';
const NAME = 'teams-db';
const CLUSTER_URL = `${BACKEND}/api/basalt/clusters/${NAMESPACE}/${NAME}`;

test.afterAll(({ request }) => deleteCluster(request, NAMESPACE, NAME));

/** The database's page, once its health card shows it running. */
async function openDatabase(page: Page) {
  await page.goto(`/catalog/${NAMESPACE}/resource/${NAME}`);
  const health = page.locator('article', {
    has: page.getByRole('heading', { name: 'Database health' }),
  });
  await expect(health.getByLabel('Phase')).toContainText('Running', {
    timeout: 60_000,
  });
  return health;
}

/*
 * Basalt's owner-scoped policy on the portal, with two example users of two
 * teams and an administrator: the guest's team (payments-team) owns the
 * database; Omar of orders-team sees it and nothing more; Pat of the
 * platform team may do everything.
 */
test('a team operates its own database, another team only sees it', async ({
  browser,
  page,
  request,
}) => {
  test.setTimeout(150_000);
  await applyAndCatalog(request, {
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: {
      engine: 'postgresql',
      terminationPolicy: 'Delete',
      databases: ['orders'],
      accounts: [{ name: 'orders_app', databases: ['orders'] }],
    },
  });

  await enterAs(page, 'Omar');
  const health = await openDatabase(page);
  const connect = health.getByLabel('connect as orders_app');
  await expect(
    connect.getByLabel('URL of orders_app', { exact: true }),
  ).toBeVisible();
  await expect(
    connect.getByText(/The password is shown only to those allowed/),
  ).toBeVisible();
  await expect(
    connect.getByRole('button', { name: /Reveal the password/ }),
  ).toHaveCount(0);
  await page.getByText('Data', { exact: true }).click();
  await expect(
    page.getByText(/You may look at this database but not change it/),
  ).toBeVisible();
  for (const action of ['Scale', 'Restart', 'Delete']) {
    await expect(
      page.getByRole('button', { name: action, exact: true }),
    ).toHaveCount(0);
  }
  await screenshot(page, 'teams-other-team');

  // The API refuses what the page does not offer.
  const omar = await authHeadersOf(request, 'user:default/omar');
  const refused = await request.delete(CLUSTER_URL, { headers: omar });
  expect(refused.status()).toBe(403);
  expect(
    (
      await request.post(`${CLUSTER_URL}/accounts/orders_app/password`, {
        headers: omar,
      })
    ).status(),
  ).toBe(403);
  // Nor can Omar create a database for the guest's team.
  const planted = await request.post(`${BACKEND}/api/basalt/clusters`, {
    headers: omar,
    data: {
      apiVersion: 'basalt.dev/v1alpha1',
      kind: 'EngineCluster',
      metadata: {
        name: 'planted-db',
        namespace: NAMESPACE,
        annotations: { 'basalt.dev/owner': 'group:default/payments-team' },
      },
      spec: { engine: 'postgresql', terminationPolicy: 'Delete' },
    },
  });
  expect(planted.status()).toBe(403);

  // In a browser of their own, the platform team's Pat may do everything.
  const admin = await (await browser.newContext()).newPage();
  await enterAs(admin, 'Pat');
  const asAdmin = await openDatabase(admin);
  await expect(
    asAdmin
      .getByLabel('connect as orders_app')
      .getByRole('button', { name: 'Reveal the password of orders_app' }),
  ).toBeVisible();
  await admin.getByText('Data', { exact: true }).click();
  await expect(
    admin.getByRole('button', { name: 'Delete', exact: true }),
  ).toBeVisible();
  await screenshot(admin, 'teams-administrator');
  await admin.context().close();
});
