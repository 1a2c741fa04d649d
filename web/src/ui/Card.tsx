import type { HTMLAttributes, ReactNode } from 'react';
import { classNames } from './Button';

export interface CardProps extends Omit<HTMLAttributes<HTMLElement>, 'title'> {
  title?: ReactNode;
  actions?: ReactNode;
  flush?: boolean;
}

/** A titled panel; `flush` drops the body padding (tables, canvases). */
export function Card({ title, actions, flush, className, children, ...rest }: CardProps) {
  return (
    <section className={classNames('card', className)} {...rest}>
      {(title || actions) && (
        <header className="card__header">
          {title && <h2 className="card__title">{title}</h2>}
          {actions}
        </header>
      )}
      <div className={classNames('card__body', flush && 'card__body--flush')}>{children}</div>
    </section>
  );
}
