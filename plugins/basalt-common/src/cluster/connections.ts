/**
 * How a client reaches one endpoint of a cluster as one account, in the
 * terms of its engine's own clients; never a password.
 *
 * @public
 */
export interface ConnectionSettings {
  /**
   * A connection URL without the password, TLS parameters included, e.g.
   * `postgresql://app@127.0.0.1:5432/orders?sslmode=verify-full&sslrootcert=orders-db-ca.crt`.
   */
  url: string;
  /**
   * The same settings one by one, in the names the engine's clients use
   * (`host`, `port`, `dbname`, `user`, `sslmode`, `sslrootcert` for
   * PostgreSQL), in the order they are best shown.
   */
  parameters: Array<{ name: string; value: string }>;
}

/**
 * How an application connects as one of a cluster's accounts.
 *
 * @public
 */
export interface AccountConnection {
  /** The account (`spec.accounts[].name`). */
  account: string;
  /** Its role, which says what it may do. */
  role: string;
  /** The database it connects to, for engines with named databases. */
  database?: string;
  /** Through the read-write endpoint (the primary); absent until there is one. */
  readWrite?: ConnectionSettings;
  /** Through the read-only endpoint (the replicas); absent until there is one. */
  readOnly?: ConnectionSettings;
}

/**
 * `GET /clusters/{namespace}/{name}/connections`: how to connect as each
 * of the cluster's accounts. Passwords are revealed one at a time, to
 * those allowed, by `POST …/accounts/{account}/password`.
 *
 * @public
 */
export interface ClusterConnections {
  accounts: AccountConnection[];
  /**
   * Where clients get the CA certificate that `sslrootcert` names (the
   * API path of `ca.crt`); absent while the cluster has no TLS.
   */
  caCertificateUrl?: string;
  /** The file name the settings expect the CA certificate under. */
  caCertificateFile?: string;
}

/**
 * `POST /clusters/{namespace}/{name}/accounts/{account}/password`: one
 * account's password, revealed to a caller with
 * `basalt.cluster.credentials.read` and recorded as an event.
 *
 * @public
 */
export interface RevealedPassword {
  account: string;
  password: string;
}

/**
 * A password rotation, as `POST …/accounts/:account/password/rotate`
 * accepts it: the account has a new password at once, which the controller
 * then sets in the engine (the cluster's events say when).
 *
 * @public
 */
export interface PasswordRotation {
  account: string;
  /** ISO 8601. */
  rotatedAt: string;
}
