import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { DATABASES_ANNOTATION } from '@basalt/plugin-basalt-common';
import { ComponentDatabasesIndex } from './ComponentDatabasesIndex';
import { componentRefreshKey } from './componentRef';

/**
 * Annotates each Component with `basalt.dev/databases`: the sorted,
 * comma-separated refs of the Basalt clusters that name it in their
 * `basalt.dev/component` annotation, read from the provider's index.
 *
 * The processor owns the annotation: a value set by hand in a
 * catalog-info.yaml is replaced, or removed when no cluster serves the
 * component, so the annotation never claims a database that does not exist.
 *
 * @public
 */
export class BasaltDatabasesProcessor implements CatalogProcessor {
  readonly #index: ComponentDatabasesIndex;

  constructor(options: { index: ComponentDatabasesIndex }) {
    this.#index = options.index;
  }

  getProcessorName(): string {
    return 'BasaltDatabasesProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (
      entity.kind?.toLocaleLowerCase('en-US') !== 'component' ||
      typeof entity.metadata?.name !== 'string'
    ) {
      return entity;
    }
    const ref = stringifyEntityRef(entity);
    // Every Component gets the key, not only served ones: a component
    // without a database may gain one, and the provider must reach it then.
    emit(processingResult.refresh(componentRefreshKey(ref)));

    const databases = this.#index.databasesOf(ref);
    const wanted = databases.length ? databases.join(',') : undefined;
    const { [DATABASES_ANNOTATION]: current, ...others } =
      entity.metadata.annotations ?? {};
    if (current === wanted) return entity;
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: wanted
          ? { ...others, [DATABASES_ANNOTATION]: wanted }
          : others,
      },
    };
  }
}
