import { mockServices } from '@backstage/backend-test-utils';
import { readFileSync } from 'fs';
import { join } from 'path';
import { clusterDocs, readClusterDocs, RUNBOOKS } from './clusterDocs';

const config = (data: object) => mockServices.rootConfig({ data });

describe('readClusterDocs', () => {
  it("points at Basalt's TechDocs and its operations page in the portal by default", () => {
    const docs = readClusterDocs(
      config({ app: { baseUrl: 'http://localhost:3000/' } }),
    );

    expect(docs.annotations).toEqual({
      'backstage.io/techdocs-entity': 'component:default/basalt',
    });
    expect(docs.links[0]).toEqual({
      url: 'http://localhost:3000/docs/default/component/basalt/operations/#when-a-cluster-is-not-ready',
      title: 'Runbook: the database is not Ready',
      icon: 'docs',
      type: 'runbook',
    });
    expect(docs.links).toHaveLength(RUNBOOKS.length);
  });

  it('follows another docs entity and runbooks page', () => {
    const docs = readClusterDocs(
      config({
        app: { baseUrl: 'http://portal' },
        catalog: {
          providers: {
            basalt: {
              techdocsEntity: 'System:platform/databases',
              runbooksUrl: 'http://wiki/runbooks',
            },
          },
        },
      }),
    );

    expect(docs.annotations).toEqual({
      'backstage.io/techdocs-entity': 'System:platform/databases',
    });
    expect(docs.links.map(link => link.url)).toContain(
      'http://wiki/runbooks#volumes',
    );
  });

  it("derives the runbooks from the docs entity's kind in lower case", () => {
    const docs = readClusterDocs(
      config({
        app: { baseUrl: 'http://portal' },
        catalog: {
          providers: { basalt: { techdocsEntity: 'System:platform/dbs' } },
        },
      }),
    );

    expect(docs.links[0].url).toBe(
      'http://portal/docs/platform/system/dbs/operations/#when-a-cluster-is-not-ready',
    );
  });

  it('adds nothing when both are turned off, or without an app to link to', () => {
    expect(
      readClusterDocs(
        config({
          app: { baseUrl: 'http://portal' },
          catalog: {
            providers: {
              basalt: { techdocsEntity: false, runbooksUrl: false },
            },
          },
        }),
      ),
    ).toEqual({ annotations: {}, links: [] });
    expect(readClusterDocs(config({})).links).toEqual([]);
  });
});

describe('RUNBOOKS', () => {
  // mkdocs' anchors: the heading in lower case, words joined by '-'.
  const anchorsOf = (markdown: string) =>
    [...markdown.matchAll(/^#{2,3} (.+)$/gm)].map(([, heading]) =>
      heading
        .toLowerCase()
        .replace(/[^\w\s-]/g, '')
        .trim()
        .replace(/[\s-]+/g, '-'),
    );

  it('names sections that docs/operations.md has', () => {
    const operations = readFileSync(
      join(__dirname, '../../../docs/operations.md'),
      'utf8',
    );
    const anchors = anchorsOf(operations);
    for (const { anchor } of RUNBOOKS) {
      expect(anchors).toContain(anchor);
    }
  });

  it('are links on every Resource given a runbooks page', () => {
    expect(
      clusterDocs({ runbooksUrl: 'http://portal/ops/' }).links.map(l => l.url),
    ).toEqual(RUNBOOKS.map(r => `http://portal/ops/#${r.anchor}`));
  });
});
