import {
  Entity,
  getCompoundEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { getEntityRelations, useEntity } from '@backstage/plugin-catalog-react';
import {
  ButtonLink,
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Text,
} from '@backstage/ui';
import { useTemplateLink } from '../../hooks/useTemplateLink';

/** The golden template the card links to unless configured otherwise. */
export const DEFAULT_DATABASE_TEMPLATE = 'template:default/postgresql-database';

/**
 * What the template's form starts with: the component (the golden
 * templates' `component` parameter, an entity ref) and, when the catalog
 * knows it, the team that owns it (`owner`).
 */
export function databaseFormData(entity: Entity): Record<string, string> {
  const [owner] = getEntityRelations(entity, RELATION_OWNED_BY);
  return {
    component: stringifyEntityRef(getCompoundEntityRef(entity)),
    ...(owner && { owner: stringifyEntityRef(owner) }),
  };
}

/**
 * Entity card on a Component no Basalt database serves yet: invites its
 * developers to add one through the golden template, with the component
 * (and its owner) already filled in.
 */
export function AddDatabaseCard(props: {
  /** The template's entity ref, `template:default/postgresql-database` by default. */
  template?: string;
}) {
  const { entity } = useEntity();
  const templateLink = useTemplateLink();
  const href = templateLink(
    props.template ?? DEFAULT_DATABASE_TEMPLATE,
    databaseFormData(entity),
  );
  const name = entity.metadata.title ?? entity.metadata.name;
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Add a database
        </Text>
      </CardHeader>
      <CardBody>
        <Text as="p">
          No database managed by Basalt serves {name} yet. The golden template
          creates one in seconds — standalone or highly available, backed up on
          its profile's schedule — and renders its manifest for this component's
          repository. Its health, backups and logs then appear on this page.
        </Text>
      </CardBody>
      {href && (
        <CardFooter>
          <ButtonLink href={href} variant="primary" size="small">
            Add a database
          </ButtonLink>
        </CardFooter>
      )}
    </Card>
  );
}
