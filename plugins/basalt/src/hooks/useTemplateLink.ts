import { parseEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { useCallback } from 'react';
import { selectedTemplateRouteRef } from '../routes';

/**
 * A template's page with its form pre-filled: the scaffolder reads
 * `?formData=` as URL-encoded JSON of the template's parameters.
 */
export function withFormData(
  templatePath: string,
  formData?: Record<string, unknown>,
): string {
  if (!formData || Object.keys(formData).length === 0) return templatePath;
  const query = new URLSearchParams({ formData: JSON.stringify(formData) });
  return `${templatePath}?${query}`;
}

/**
 * Links to software templates in the scaffolder: given a template's entity
 * ref (`template:default/postgresql-database`, or just its name) and the
 * values to pre-fill, the path of its page; undefined when the app has no
 * scaffolder to link to.
 */
export function useTemplateLink(): (
  templateRef: string,
  formData?: Record<string, unknown>,
) => string | undefined {
  const templateRoute = useRouteRef(selectedTemplateRouteRef);
  return useCallback(
    (templateRef, formData) => {
      if (!templateRoute) return undefined;
      const { namespace, name } = parseEntityRef(templateRef, {
        defaultKind: 'template',
        defaultNamespace: 'default',
      });
      return withFormData(
        templateRoute({ namespace, templateName: name }),
        formData,
      );
    },
    [templateRoute],
  );
}
