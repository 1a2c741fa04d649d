import { type FormEvent, type ReactNode, useEffect, useId, useRef } from 'react';
import { classNames } from './Button';

export interface DialogProps {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  /** When set, the body is a form and Enter submits it. */
  onSubmit?: () => void;
  footer?: ReactNode;
  wide?: boolean;
  children: ReactNode;
}

/**
 * A modal on the native <dialog> element: focus moves into it and is held
 * there, Escape closes it, the page behind is inert.
 */
export function Dialog({ open, title, onClose, onSubmit, footer, wide, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit?.();
  };
  return (
    <dialog
      ref={ref}
      className={classNames('dialog', wide && 'dialog--wide')}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open && (
        <form className="dialog__form" onSubmit={submit} noValidate>
          <header className="dialog__header">
            <h2 id={titleId}>{title}</h2>
          </header>
          <div className="dialog__body">{children}</div>
          {footer && <footer className="dialog__footer">{footer}</footer>}
        </form>
      )}
    </dialog>
  );
}
