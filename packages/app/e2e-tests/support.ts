import { APIRequestContext, expect, Page } from '@playwright/test';

/** The started portal's backend. */
export const BACKEND =
  process.env.PLAYWRIGHT_BACKEND_URL ?? 'http://localhost:7007';

/** A full-page screenshot under test-results/screenshots/, for people to look at. */
export const screenshot = (page: Page, name: string) =>
  page.screenshot({
    path: `test-results/screenshots/${name}.png`,
    fullPage: true,
  });

/** A guest's Backstage token, as the app gets it after "Enter". */
export async function guestToken(request: APIRequestContext): Promise<string> {
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
  manifest: { metadata: { name: string; namespace: string } },
): Promise<void> {
  const headers = await authHeaders(request);
  const applied = await request.post(`${BACKEND}/api/basalt/clusters`, {
    headers,
    data: manifest,
  });
  expect(applied.status(), await applied.text()).toBeLessThan(300);
  const { namespace, name } = manifest.metadata;
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
