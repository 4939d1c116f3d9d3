import { APIRequestContext, expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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
const NAME = 'cards-db';
const CLUSTER_URL = `${BACKEND}/api/basalt/clusters/${NAMESPACE}/${NAME}`;
// Where the portal's local runtime keeps instances (app-config.yaml).
const LOCAL_ROOT = path.resolve('.basalt/local');

interface Instance {
  name: string;
  node: string;
  role: string;
  address?: string;
}

async function instancesOf(request: APIRequestContext): Promise<Instance[]> {
  const response = await request.get(CLUSTER_URL, {
    headers: await authHeaders(request),
  });
  return (await response.json()).status?.instances ?? [];
}

/** The engine process of an instance, from the pid file the runtime keeps. */
async function pidOf(instance: Instance): Promise<number> {
  const pidFile = path.join(
    LOCAL_ROOT,
    'nodes',
    instance.node,
    NAMESPACE,
    NAME,
    instance.name,
    'server.pid',
  );
  return Number((await readFile(pidFile, 'utf8')).trim().split('\n')[0]);
}

let stoppedPid: number | undefined;

// Resume anything the test froze and delete the cluster, so no engine keeps
// running after the test, even when it failed.
test.afterAll(async ({ request }) => {
  if (stoppedPid) {
    try {
      process.kill(stoppedPid, 'SIGCONT');
    } catch {
      // Already gone.
    }
  }
  await deleteCluster(request, NAMESPACE, NAME);
});

test('the database cards follow a real cluster: health, degradation, live logs and events', async ({
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
    spec: {
      engine: 'postgresql',
      replicas: 2,
      terminationPolicy: 'Delete',
      databases: ['cards'],
    },
  });
  await enterAsGuest(page);
  await page.goto(`/catalog/${NAMESPACE}/resource/${NAME}`);

  const health = page.locator('article', {
    has: page.getByRole('heading', { name: 'Database health' }),
  });
  const phase = health.getByLabel('Phase');
  await expect(phase).toContainText('Running · 2 of 2 instances ready', {
    timeout: 60_000,
  });
  await expect(health.getByText('primary', { exact: true })).toBeVisible();
  await expect(health.getByText('replica', { exact: true })).toBeVisible();
  const logs = page.locator('article', {
    has: page.getByRole('heading', { name: 'Database logs' }),
  });
  await expect(logs.getByText('Live', { exact: false })).toBeVisible();
  await expect(
    logs.getByText(/database system is ready to accept/).first(),
  ).toBeVisible();
  await screenshot(page, 'cards-healthy');

  // A line written now appears without a reload: a failed login makes
  // PostgreSQL log a FATAL line naming the (unique) user.
  const intruder = `intruder_${Date.now()}`;
  const primary = (await instancesOf(request)).find(i => i.role === 'primary');
  const [host, port] = primary!.address!.split(':');
  await promisify(execFile)(
    '/usr/lib/postgresql/15/bin/psql',
    [
      '-h',
      host,
      '-p',
      port,
      '-U',
      intruder,
      '-d',
      'postgres',
      '-c',
      'select 1',
    ],
    // One attempt, over TLS: with psql's default (prefer) a refused TLS
    // login is tried again in plain text, logging a second line.
    {
      env: {
        PGPASSWORD: 'wrong',
        PGCONNECT_TIMEOUT: '5',
        PGSSLMODE: 'require',
      },
    },
  ).catch(() => undefined);
  await expect(
    logs.getByText(
      new RegExp(`password authentication failed for user "${intruder}"`),
    ),
  ).toBeVisible({ timeout: 15_000 });
  await screenshot(page, 'cards-live-log');

  // Freeze the replica: it stops answering, and the Health card shows the
  // cluster degraded on its own, without a reload.
  const replica = (await instancesOf(request)).find(i => i.role === 'replica');
  stoppedPid = await pidOf(replica!);
  process.kill(stoppedPid, 'SIGSTOP');
  await expect(phase).toContainText('Degraded', { timeout: 45_000 });
  await expect(
    health.getByRole('row', { name: `instance ${replica!.name}` }),
  ).toContainText('Not ready');
  await screenshot(page, 'cards-degraded');

  const events = page.locator('article', {
    has: page.getByRole('heading', { name: 'Database events' }),
  });
  await expect(events.getByText('⚠ Instances not ready')).toBeVisible();
  await events.scrollIntoViewIfNeeded();
  await screenshot(page, 'cards-events');

  process.kill(stoppedPid, 'SIGCONT');
  stoppedPid = undefined;
  await expect(phase).toContainText('Running', { timeout: 45_000 });

  // The Data tab: the full view with the operations.
  await page.getByText('Data', { exact: true }).click();
  await expect(page.getByRole('button', { name: 'Restart' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete' })).toBeVisible();
  await screenshot(page, 'database-tab');

  // A planned switchover from the tab: the replica becomes the primary,
  // and the Health section says so without a reload.
  await page.getByRole('button', { name: 'Switch over' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('no committed write is lost');
  await screenshot(page, 'switchover-dialog');
  await dialog.getByRole('button', { name: 'Switch over' }).click();
  await expect(page.getByText(/Planned switchover from /)).toBeVisible({
    timeout: 30_000,
  });
  await expect(
    page.getByRole('row', { name: `instance ${replica!.name}`, exact: true }),
  ).toContainText('primary', { timeout: 30_000 });
  await screenshot(page, 'database-tab-switched-over');

  // The Basalt page lists the cluster and the nodes it runs on.
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Basalt' })
    .click();
  await expect(
    page.getByRole('row', { name: `cluster ${NAMESPACE}/${NAME}` }),
  ).toBeVisible();
  await expect(page.getByLabel(`node ${primary!.node}`)).toContainText(
    primary!.name,
  );
  // Each instance holds a 1 GiB volume (the default spec.storage) in its
  // node's pool, and the page draws it on that node's chart.
  await expect(
    page.getByRole('img', {
      name: new RegExp(
        `^Capacity of ${primary!.node} · default: 1\\.0 GiB allocated of`,
      ),
    }),
  ).toBeVisible();
  await page
    .getByRole('heading', { name: 'Volume pools' })
    .scrollIntoViewIfNeeded();
  await screenshot(page, 'basalt-page-with-cluster');
});
