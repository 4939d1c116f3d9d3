import { Knex } from 'knex';

const TABLE = 'basalt_leases';

/**
 * Leadership among backends sharing one database: a named lease row with a
 * holder and an expiry. Only the holder acts; a holder that stops renewing
 * loses the lease when it expires, and another backend takes it over.
 */
export class Lease {
  #expiresAt = 0;

  constructor(
    private readonly knex: Knex,
    private readonly options: { name: string; holder: string; ttlMs: number },
  ) {}

  /** True while this backend holds an unexpired lease. */
  isHeld(): boolean {
    // A safety margin: act only while the lease certainly is still ours.
    return Date.now() < this.#expiresAt - 1000;
  }

  /** Takes or renews the lease; returns whether this backend holds it. */
  async tryAcquire(): Promise<boolean> {
    const { name, holder, ttlMs } = this.options;
    const now = Date.now();
    const expiresAt = now + ttlMs;
    const renewed = await this.knex(TABLE)
      .where({ name })
      .andWhere(q => q.where({ holder }).orWhere('expires_at', '<', now))
      .update({ holder, expires_at: expiresAt });
    if (renewed === 0) {
      try {
        await this.knex(TABLE).insert({ name, holder, expires_at: expiresAt });
      } catch {
        // Another backend holds it (the row exists and is not ours).
        this.#expiresAt = 0;
        return false;
      }
    }
    this.#expiresAt = expiresAt;
    return true;
  }

  /** Gives the lease up so another backend can take over at once. */
  async release(): Promise<void> {
    this.#expiresAt = 0;
    await this.knex(TABLE)
      .where({ name: this.options.name, holder: this.options.holder })
      .delete();
  }
}
