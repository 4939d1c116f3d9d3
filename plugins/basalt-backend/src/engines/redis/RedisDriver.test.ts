import { EngineAddress, EngineContext } from '@basalt/plugin-basalt-node';
import { redisSpec } from '../../__testUtils__/manifests';
import { describeEngineDriverContract } from '../__testUtils__/describeEngineDriverContract';
import { withSession } from './connection';
import { RedisDriver } from './RedisDriver';

jest.setTimeout(60_000);

const driver = new RedisDriver();

/** As the spec's first account, `SET` a key of its own. */
async function write(address: EngineAddress, context: EngineContext) {
  const account = context.spec.accounts[0].name;
  await withSession(
    address,
    { username: account, password: context.credentials.accounts[account] },
    { connectTimeoutMs: 5_000, commandTimeoutMs: 5_000 },
    async session => {
      await session.command(['SET', `writes:${Date.now()}`, 'x']);
    },
  );
}

describeEngineDriverContract('redis', () => ({
  driver,
  spec: redisSpec({ accounts: [{ name: 'app' }] }),
  write,
  ports: { from: 16500, to: 16549 },
}));
