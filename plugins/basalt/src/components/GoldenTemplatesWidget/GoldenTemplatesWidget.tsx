import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { Flex, Link, Skeleton, Text } from '@backstage/ui';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useTemplateLink } from '../../hooks/useTemplateLink';
import { ErrorAlert } from '../common';

/** The tag Basalt's golden templates carry unless the widget is told another. */
export const GOLDEN_TEMPLATE_TAG = 'basalt';

const listStyle = {
  margin: 0,
  padding: 0,
  display: 'flex',
  flexDirection: 'column',
  gap: 'var(--bui-space-3, 12px)',
} as const;

function TemplateItem(props: { template: Entity; href?: string }) {
  const { template, href } = props;
  const title = template.metadata.title ?? template.metadata.name;
  return (
    <li aria-label={`template ${title}`} style={{ listStyle: 'none' }}>
      <Flex direction="column" gap="1">
        {href ? (
          <Link href={href} weight="bold">
            {title}
          </Link>
        ) : (
          <Text weight="bold">{title}</Text>
        )}
        {template.metadata.description && (
          <Text variant="body-small" color="secondary">
            {template.metadata.description}
          </Text>
        )}
      </Flex>
    </li>
  );
}

/**
 * Home page widget: the golden templates that create Basalt databases (the
 * catalog's Templates tagged `tag`), each linking to its form.
 */
export function GoldenTemplatesWidget(props: { tag?: string }) {
  const tag = props.tag ?? GOLDEN_TEMPLATE_TAG;
  const catalogApi = useApi(catalogApiRef);
  const templateLink = useTemplateLink();
  const { value, error, loading, retry } = useAsyncRetry(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'template', 'metadata.tags': tag },
    });
    return [...items].sort((a, b) =>
      (a.metadata.title ?? a.metadata.name).localeCompare(
        b.metadata.title ?? b.metadata.name,
      ),
    );
  }, [catalogApi, tag]);

  if (loading) return <Skeleton width="100%" height={96} />;
  if (error || !value) {
    return (
      <ErrorAlert
        title="The golden templates could not be loaded"
        error={error ?? new Error('No answer')}
        onRetry={retry}
      />
    );
  }
  if (value.length === 0) {
    return (
      <Text color="secondary">
        No template tagged "{tag}" is in the catalog. Register the golden
        templates (templates/ in the Basalt repository) in the catalog's
        locations.
      </Text>
    );
  }
  return (
    <ul style={listStyle} aria-label="Golden templates">
      {value.map(template => (
        <TemplateItem
          key={stringifyEntityRef(template)}
          template={template}
          href={templateLink(stringifyEntityRef(template))}
        />
      ))}
    </ul>
  );
}
