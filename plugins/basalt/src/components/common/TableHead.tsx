import { tableStyles } from './tableStyles';

/** The header row of a compact card table. */
export function TableHead(props: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {props.columns.map(column => (
          <th key={column} style={tableStyles.th} scope="col">
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}
