export interface Config {
  auth?: {
    providers?: {
      /**
       * The example users the portal's sign-in page offers (the
       * `exampleUsers` provider of the portal's backend). Like the guest
       * provider, it signs in whoever asks, so it works only in development
       * unless `dangerouslyAllowOutsideDevelopment` is set.
       */
      exampleUsers?: {
        users: Array<{
          /**
           * The user's catalog entity, e.g. `user:default/omar`.
           * @visibility frontend
           */
          entityRef: string;
          /**
           * The name on the sign-in page.
           * @visibility frontend
           */
          title: string;
          /**
           * A line under the name, e.g. the user's team.
           * @visibility frontend
           */
          description?: string;
        }>;
        dangerouslyAllowOutsideDevelopment?: boolean;
      };
    };
  };
}
