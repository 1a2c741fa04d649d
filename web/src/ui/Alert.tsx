import type { ReactNode } from 'react';
import { classNames } from './Button';
import type { Tone } from './status';

export function Alert({ tone = 'danger', title, children }: { tone?: Tone; title?: ReactNode; children?: ReactNode }) {
  return (
    <div className={classNames('alert', `tone-${tone}`)} role={tone === 'danger' || tone === 'warning' ? 'alert' : 'status'}>
      <div>
        {title && <div className="alert__title">{title}</div>}
        {children}
      </div>
    </div>
  );
}
