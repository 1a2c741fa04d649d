/** Operations to drag onto the canvas (or add with the button, for keyboards). */
import { useTranslation } from 'react-i18next';
import { type DragEvent, memo } from 'react';
import type { Operation } from '../../api/types';
import { IconButton } from '../../ui';

export const operationMime = 'application/x-mes-operation';

export const Palette = memo(function Palette({
  operations,
  onAdd,
  disabled,
}: {
  operations: Operation[];
  onAdd: (operationId: string) => void;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const start = (id: string) => (e: DragEvent) => {
    e.dataTransfer.setData(operationMime, id);
    e.dataTransfer.setData('text/plain', id);
    e.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <aside className="designer-palette" aria-label={t('designer.palette.operations')}>
      <h2>{t('designer.palette.operations')}</h2>
      <p className="muted small">{t('designer.palette.hint')}</p>
      <ul>
        {operations
          .filter((o) => o.archivedAt === null)
          .map((o) => (
            <li key={o.id} className="palette-item" draggable={!disabled} onDragStart={start(o.id)} data-testid={`palette-${o.id}`} title={o.description}>
              <span>
                <span className="mono small muted">{o.id}</span>
                <br />
                {o.name}
              </span>
              <IconButton size="sm" label={t('designer.palette.add', { name: o.name })} onClick={() => onAdd(o.id)} disabled={disabled}>
                +
              </IconButton>
            </li>
          ))}
      </ul>
    </aside>
  );
});
