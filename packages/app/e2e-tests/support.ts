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
 * Opens the portal and signs in as one of the example users on the sign-in
 * page (by its title: Guest, Omar, Pat), waiting until the app shows its
 * signed-in shell. The sign-in is asynchronous: navigating away before it
 * has finished lands on the sign-in page again.
 */
export async function enterAs(page: Page, title: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: `Sign in as ${title}` }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

/** Signs in as the guest, a member of payments-team. */
export const enterAsGuest = (page: Page) => enterAs(page, 'Guest');

/** A guest's Backstage token, from the guest provider. */
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

/** Request headers that sign in as an example user, e.g. `user:default/omar`. */
export async function authHeadersOf(
  request: APIRequestContext,
  userEntityRef: string,
) {
  const response = await request.get(
    `${BACKEND}/api/auth/exampleUsers/refresh?env=development`,
    {
      headers: {
        'X-Requested-With': 'XMLHttpRequest',
        'x-example-user': userEntityRef,
      },
    },
  );
  expect(response.status(), await response.text()).toBe(200);
  const { token } = (await response.json()).backstageIdentity;
  return { Authorization: `Bearer ${token}` };
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
