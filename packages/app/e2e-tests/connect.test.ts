import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  applyAndCatalog,
  authHeaders,
  BACKEND,
  deleteCluster,
  enterAsGuest,
  screenshot,
} from './support';

const NAMESPACE = 'default';
const NAME = 'connect-db';
const CLUSTER_URL = `${BACKEND}/api/basalt/clusters/${NAMESPACE}/${NAME}`;
// Debian's PostgreSQL client, which the test command installs.
const PSQL = '/usr/lib/postgresql/15/bin/psql';

test.afterAll(({ request }) => deleteCluster(request, NAMESPACE, NAME));

test('a developer copies the connection URL, reveals the password and connects with them', async ({
  page,
  context,
  request,
}) => {
  test.setTimeout(120_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
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
      accounts: [{ name: 'shop_app', databases: ['shop'] }],
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
  const connect = health.getByLabel('connect as shop_app');
  // The portal's clusters have TLS: the URL verifies the server.
  const URL_PATTERN =
    /^postgresql:\/\/shop_app@127\.0\.0\.1:\d+\/shop\?sslmode=verify-full&sslrootcert=connect-db-ca\.crt$/;
  await expect(
    connect.getByLabel('URL of shop_app', { exact: true }),
  ).toContainText(URL_PATTERN);
  await connect
    .getByRole('button', { name: 'Copy the URL of shop_app' })
    .click();
  const url = await page.evaluate(() => navigator.clipboard.readText());
  expect(url).toMatch(URL_PATTERN);

  await connect
    .getByRole('button', { name: 'Reveal the password of shop_app' })
    .click();
  const password = (
    await connect
      .getByLabel('password of shop_app', { exact: true })
      .textContent()
  )?.trim();
  expect(password).toBeTruthy();
  await screenshot(page, 'connect-revealed');

  // The URL, the password and the cluster's CA certificate (saved under the
  // name the URL gives) are all an application needs.
  const dir = await mkdtemp(path.join(tmpdir(), 'basalt-connect-'));
  try {
    const ca = await request.get(`${CLUSTER_URL}/ca.crt`, {
      headers: await authHeaders(request),
    });
    await writeFile(path.join(dir, 'connect-db-ca.crt'), await ca.body());
    const { stdout } = await promisify(execFile)(
      PSQL,
      [url, '--no-psqlrc', '-tAc', 'select current_user, current_database()'],
      { cwd: dir, env: { ...process.env, PGPASSWORD: password } },
    );
    expect(stdout.trim()).toBe('shop_app|shop');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // Each reveal is on record.
  const events = page.locator('article', {
    has: page.getByRole('heading', { name: 'Database events' }),
  });
  await expect(
    events.getByText(/The password of account shop_app was revealed to user:/),
  ).toBeVisible({ timeout: 30_000 });
});
