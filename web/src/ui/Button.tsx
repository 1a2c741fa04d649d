import type { ButtonHTMLAttributes, ReactNode } from 'react';

type Variant = 'default' | 'primary' | 'danger' | 'ghost' | 'on-dark';
type Size = 'sm' | 'md' | 'lg' | 'xl';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: Size;
  block?: boolean;
}

export function classNames(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}

export function Button({ variant = 'default', size = 'md', block, className, type = 'button', ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={classNames('btn', variant !== 'default' && `btn--${variant}`, size !== 'md' && `btn--${size}`, block && 'btn--block', className)}
      {...rest}
    />
  );
}

/** A button that shows only an icon or a symbol: the label is required and becomes aria-label and the tooltip. */
export function IconButton({ label, children, ...rest }: Omit<ButtonProps, 'aria-label' | 'title'> & { label: string; children: ReactNode }) {
  return (
    <Button aria-label={label} title={label} className="btn--icon" {...rest}>
      <span aria-hidden="true">{children}</span>
    </Button>
  );
}
