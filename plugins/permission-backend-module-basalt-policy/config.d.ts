export interface Config {
  basalt?: {
    /**
     * Basalt's owner-scoped permission policy (the
     * `permission-backend-module-basalt-policy` module). Members of a
     * cluster's owning group (and its owner, when a user owns it) hold every
     * Basalt permission on it; administrators hold every permission on every
     * cluster; everyone else holds what `everyone` grants.
     */
    permissions?: {
      /**
       * Entity refs of the groups (or users) that may do everything with
       * every cluster, e.g. `group:default/platform-team`. Default: none.
       */
      administrators?: string[];
      /**
       * Basalt permissions every signed-in user holds on every cluster, by
       * name. Default: `basalt.cluster.create` and `basalt.cluster.read`
       * (anyone may create a cluster for their own team and see every
       * cluster's status). Leave `basalt.cluster.read` out to show each
       * team only its own clusters.
       */
      everyone?: string[];
    };
  };
}
