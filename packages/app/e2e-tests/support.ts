import { APIRequestContext, expect, Page } from '@playwright/test';
import type { EngineClusterInput } from '@basalt/plugin-basalt-common';

/** The started portal's backend. */
export const BACKEND =
  process.env.PLAYWRIGHT_BACKEND_URL ?? 'http://localhost:7007';

/** A full-page screenshot under test-results/screenshots/, for people to look at. */
export const screenshot = (page: Page, name: string) =>
  page.screenshot({
    path: `test-results/screenshots/${name}.png`,
    fullPage: true,
  });

/**
 * Opens the portal and signs in as the guest, waiting until the app shows
 * its signed-in shell. The sign-in is asynchronous: navigating away before
 * it has finished lands on the sign-in page again.
 */
export async function enterAsGuest(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/** A guest's Backstage token, as the app gets it after "Enter". */
async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.get(
    `${BACKEND}/api/auth/guest/refresh?env=development`,
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  return (await response.json()).backstageIdentity.token;
}

/** Request headers that sign in as the guest. */
export async function authHeaders(request: APIRequestContext) {
  return { Authorization: `Bearer ${await guestToken(request)}` };
}

/**
 * Applies a cluster manifest through the API as the guest, and waits until
 * the catalog module has published its Resource (within seconds).
 */
export async function applyAndCatalog(
  request: APIRequestContext,
  manifest: EngineClusterInput,
): Promise<void> {
  const headers = await authHeaders(request);
  const applied = await request.post(`${BACKEND}/api/basalt/clusters`, {
    headers,
    data: manifest,
  });
  expect(applied.status(), await applied.text()).toBeLessThan(300);
  // The API's default namespace, as the schema applies it.
  const { namespace = 'default', name } = manifest.metadata;
  await expect
    .poll(
      async () =>
        (
          await request.get(
            `${BACKEND}/api/catalog/entities/by-name/resource/${namespace}/${name}`,
            { headers },
          )
        ).status(),
      { timeout: 60_000 },
    )
    .toBe(200);
}

/**
 * Deletes a cluster through the API as the guest and waits until it is
 * gone, so no engine keeps running after a test, even one that failed.
 */
export async function deleteCluster(
  request: APIRequestContext,
  namespace: string,
  name: string,
  timeoutMs = 60_000,
): Promise<void> {
  const headers = await authHeaders(request);
  const url = `${BACKEND}/api/basalt/clusters/${namespace}/${name}`;
  await request.delete(url, { headers });
  await expect
    .poll(async () => (await request.get(url, { headers })).status(), {
      timeout: timeoutMs,
    })
    .toBe(404);
}
