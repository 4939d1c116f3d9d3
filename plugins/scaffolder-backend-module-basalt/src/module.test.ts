import { startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { scaffolderModuleBasalt } from './module';

describe('scaffolderModuleBasalt', () => {
  it('registers the basalt actions with a started scaffolder', async () => {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        catalogServiceMock.factory(),
        scaffolderModuleBasalt,
      ],
    });

    const response = await request(server).get('/api/scaffolder/v2/actions');

    expect(response.status).toBe(200);
    expect(
      response.body
        .map((a: { id: string }) => a.id)
        .filter((id: string) => id.startsWith('basalt:'))
        .sort(),
    ).toEqual([
      'basalt:backup:create',
      'basalt:backup:restore',
      'basalt:cluster:create',
      'basalt:cluster:destroy',
      'basalt:cluster:switchover',
      'basalt:component:repository',
      'basalt:manifest:write',
    ]);
    const action = response.body.find(
      (a: { id: string }) => a.id === 'basalt:manifest:write',
    );
    expect(action).toMatchObject({
      description: expect.stringContaining('EngineCluster manifest'),
      schema: {
        input: {
          properties: expect.objectContaining({
            name: expect.anything(),
            manifest: expect.anything(),
          }),
        },
      },
    });
    expect(action.examples).toHaveLength(2);
  });
});
