import path from 'node:path';
import { describeRuntimeContract } from '../__testUtils__/describeRuntimeContract';
import { Testbed } from './__testUtils__/testbed';

jest.setTimeout(60_000);

describeRuntimeContract('local', async () => {
  const testbed = await Testbed.create({ from: 30300, to: 30349 });
  const nodes = ['node-a', 'node-b'];
  return {
    runtime: await testbed.runtime(nodes, { enforce: false }),
    nodes,
    poolPath: path.join(testbed.rootDir, 'pool'),
    cleanup: () => testbed.cleanup(),
  };
});
