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
const NAME = 'home-db';

// No engine keeps running after the test, even one that failed.
test.afterAll(async ({ request }) => {
  await deleteCluster(request, NAMESPACE, NAME);
});

test("Basalt's documentation renders in the portal", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  // The first request builds the docs with mkdocs; the build's log is the
  // failure message when it does not finish.
  const sync = await request.get(
    `${BACKEND}/api/techdocs/sync/default/component/basalt`,
    {
      headers: { ...(await authHeaders(request)), Accept: 'text/event-stream' },
      timeout: 120_000,
    },
  );
  const log = await sync.text();
  expect(log, log).toContain('event: finish');

  await enterAsGuest(page);
  await page.goto('/docs/default/component/basalt');
  // mkdocs appends a permalink (¶) to each heading.
  await expect(page.getByRole('heading', { name: /^The pages/ })).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Operations and runbooks' }).first(),
  ).toBeVisible();
  await screenshot(page, 'docs-basalt');

  await page.goto(
    '/docs/default/component/basalt/operations/#when-a-cluster-is-not-ready',
  );
  await expect(
    page.getByRole('heading', { name: /^When a cluster is not Ready/ }),
  ).toBeVisible();
  await screenshot(page, 'docs-operations');
});

test("the home page shows the team's database with its health, its events and the golden templates", async ({
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
      annotations: {
        'basalt.dev/owner': 'group:default/payments-team',
        'basalt.dev/component': 'component:default/payments-service',
      },
    },
    spec: { engine: 'postgresql', replicas: 1, terminationPolicy: 'Delete' },
  });

  // Signing in lands on the home page, at /.
  await enterAsGuest(page);
  expect(new URL(page.url()).pathname).toBe('/');
  await expect(
    page.getByText('Welcome to Basalt', { exact: true }),
  ).toBeVisible();

  const databases = page.getByRole('table', { name: "Your team's databases" });
  const row = databases.getByRole('row', {
    name: `database ${NAMESPACE}/${NAME}`,
  });
  await expect(row).toContainText('Running', { timeout: 60_000 });
  await expect(row).toContainText('1 of 1 ready');

  const events = page.getByRole('table', { name: 'Recent events' });
  await expect(
    events.getByRole('link', { name: `${NAMESPACE}/${NAME}` }).first(),
  ).toBeVisible({ timeout: 30_000 });

  const templates = page.getByRole('list', { name: 'Golden templates' });
  await expect(
    templates.getByRole('link', { name: 'PostgreSQL database' }),
  ).toHaveAttribute('href', '/create/templates/default/postgresql-database');
  await expect(
    templates.getByRole('link', { name: 'Ephemeral test database' }),
  ).toBeVisible();

  // The stock demo widgets are gone.
  await expect(page.getByText('Random Joke')).toHaveCount(0);
  await expect(page.getByText('World Clocks')).toHaveCount(0);
  await expect(page.getByText('Toolkit')).toHaveCount(0);
  await screenshot(page, 'home');

  // The database links to its page, whose links lead to the runbooks.
  await row.getByRole('link', { name: `${NAMESPACE}/${NAME}` }).click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/${NAMESPACE}/resource/${NAME}$`),
  );
  await expect(
    page.getByRole('link', { name: 'Runbook: the database is not Ready' }),
  ).toHaveAttribute(
    'href',
    /\/docs\/default\/component\/basalt\/operations\/#when-a-cluster-is-not-ready$/,
  );
  await screenshot(page, 'database-runbooks');

  // Its TechDocs tab shows Basalt's documentation.
  await page.getByText('TechDocs', { exact: true }).click();
  await expect(page.getByRole('heading', { name: /^The pages/ })).toBeVisible();
  await screenshot(page, 'database-techdocs');
});

test('a component without a database invites to add one, with the template pre-filled', async ({
  page,
}) => {
  await enterAsGuest(page);
  // The basalt component itself: no database serves it.
  await page.goto('/catalog/default/component/basalt');

  const card = page.locator('article', {
    has: page.getByRole('heading', { name: 'Add a database' }),
  });
  await expect(card).toContainText('No database managed by Basalt serves');
  const link = card.getByRole('link', { name: 'Add a database' });
  const href = await link.getAttribute('href');
  const url = new URL(href!, 'http://portal');
  expect(url.pathname).toBe('/create/templates/default/postgresql-database');
  expect(JSON.parse(url.searchParams.get('formData')!)).toMatchObject({
    component: 'component:default/basalt',
  });
  await screenshot(page, 'add-database-card');

  await link.click();
  await expect(page).toHaveURL(
    /\/create\/templates\/default\/postgresql-database\?formData=/,
  );
  const component = page.getByLabel(/^The service it serves/);
  await expect(component).toHaveValue(/basalt/);
  await screenshot(page, 'add-database-template');
});
