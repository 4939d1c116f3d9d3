/**
 * Hands out Pod IPs from 127.1.0.0/16. Linux routes all of 127.0.0.0/8 to
 * the loopback interface, so a server in a simulated Pod can bind its own
 * address and several Pods can use the same port, as in a cluster.
 *
 * The allocator is shared by every simulator in the process. Each jest
 * worker starts in a block of 8,192 addresses of its own, so test files
 * running in parallel (other workers) never hand out the same address; the
 * files one worker runs follow each other.
 */
class PodAddressPool {
  private next =
    2 + ((Number(process.env.JEST_WORKER_ID ?? '1') - 1) % 8) * 8192;
  private readonly inUse = new Set<string>();

  /** A free address such as `127.1.4.17`. */
  allocate(): string {
    for (let tries = 0; tries < 65_536; tries++) {
      const n = this.next;
      this.next = this.next >= 65_533 ? 2 : this.next + 1;
      // Avoid .0 and .255, which look like network and broadcast addresses.
      if (n % 256 === 0 || n % 256 === 255) {
        continue;
      }
      const address = `127.1.${Math.floor(n / 256)}.${n % 256}`;
      if (!this.inUse.has(address)) {
        this.inUse.add(address);
        return address;
      }
    }
    throw new Error('No free Pod IP left in 127.1.0.0/16');
  }

  /** Returns an address for reuse. */
  release(address: string): void {
    this.inUse.delete(address);
  }
}

/** The process-wide Pod IP pool. */
export const podAddresses = new PodAddressPool();
