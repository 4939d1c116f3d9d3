import {
  STORE_DATABASES,
  useStoreDatabases,
} from '../__testUtils__/testDatabases';
import { Lease } from './Lease';

describe.each(STORE_DATABASES)('Lease on %s', kind => {
  const databases = useStoreDatabases();

  it('lets one of two backends hold it, and the other take over when it expires or is released', async () => {
    const knex = await databases.connect(kind);
    const a = new Lease(knex, { name: 'controller', holder: 'a', ttlMs: 1500 });
    const b = new Lease(knex, { name: 'controller', holder: 'b', ttlMs: 1500 });

    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(await a.tryAcquire()).toBe(true);
    expect(b.isHeld()).toBe(false);

    await new Promise(resolve => setTimeout(resolve, 1600));
    expect(await b.tryAcquire()).toBe(true);
    expect(await a.tryAcquire()).toBe(false);

    await b.release();
    expect(b.isHeld()).toBe(false);
    expect(await a.tryAcquire()).toBe(true);
  });
});
