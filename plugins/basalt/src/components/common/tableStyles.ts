import { CSSProperties } from 'react';

/**
 * A compact data table in the theme's colours, for the small tables inside
 * cards where a full data grid (sorting, paging) would be in the way.
 */
export const tableStyles: Record<'table' | 'th' | 'td', CSSProperties> = {
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: 'var(--bui-font-size-3)',
    color: 'var(--bui-fg-primary)',
  },
  th: {
    textAlign: 'left',
    fontWeight: 600,
    color: 'var(--bui-fg-secondary)',
    padding: 'var(--bui-space-1_5, 6px) var(--bui-space-2, 8px)',
    borderBottom: '1px solid var(--bui-border-1)',
  },
  td: {
    padding: 'var(--bui-space-1_5, 6px) var(--bui-space-2, 8px)',
    borderBottom: '1px solid var(--bui-border-1)',
    verticalAlign: 'top',
  },
};
