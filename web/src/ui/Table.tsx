import type { KeyboardEvent, ReactNode } from 'react';
import { classNames } from './Button';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  numeric?: boolean;
  className?: string;
  /** A column the rows are sorted by says so (aria-sort); its header is then usually a button that changes the order. */
  sorted?: 'ascending' | 'descending' | 'none';
}

export interface TableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** Rows become focusable and open with click, Enter or Space. */
  onRowClick?: (row: T) => void;
  rowLabel?: (row: T) => string;
  selectedKey?: string | null;
  empty?: ReactNode;
  caption?: string;
}

/** The one data table: header row, optional clickable rows (keyboard too), empty state. */
export function Table<T>({ columns, rows, rowKey, onRowClick, rowLabel, selectedKey, empty = 'Nothing to show', caption }: TableProps<T>) {
  const onKey = (row: T) => (e: KeyboardEvent<HTMLTableRowElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onRowClick?.(row);
    }
  };
  return (
    <div className="table-wrap">
      <table className="table">
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={classNames(c.numeric && 'num', c.className)} aria-sort={c.sorted}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td className="table__empty" colSpan={columns.length}>
                {empty}
              </td>
            </tr>
          )}
          {rows.map((row) => {
            const key = rowKey(row);
            return (
              <tr
                key={key}
                className={classNames(onRowClick && 'is-clickable', selectedKey === key && 'is-selected')}
                tabIndex={onRowClick ? 0 : undefined}
                aria-label={onRowClick && rowLabel ? rowLabel(row) : undefined}
                onClick={onRowClick ? () => onRowClick(row) : undefined}
                onKeyDown={onRowClick ? onKey(row) : undefined}
              >
                {columns.map((c) => (
                  <td key={c.key} className={classNames(c.numeric && 'num', c.className)}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
