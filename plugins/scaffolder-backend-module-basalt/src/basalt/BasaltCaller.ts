import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  BASALT_PLUGIN_ID,
  BasaltApi,
  BasaltClient,
  BasaltRequestOptions,
} from '@basalt/plugin-basalt-common';

/**
 * Calls the Basalt API on behalf of whoever started a scaffolder task, so
 * Basalt's permission checks apply to them, not to the scaffolder.
 */
export class BasaltCaller {
  readonly api: BasaltApi;

  constructor(
    private readonly deps: { discovery: DiscoveryService; auth: AuthService },
  ) {
    this.api = new BasaltClient({ discoveryApi: deps.discovery });
  }

  /** Request options carrying a token for `credentials`. */
  async as(credentials: BackstageCredentials): Promise<BasaltRequestOptions> {
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: BASALT_PLUGIN_ID,
    });
    return { token };
  }
}
