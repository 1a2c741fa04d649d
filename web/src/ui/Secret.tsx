import { type ReactNode, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from './Button';
import { cssVars } from './css';

/**
 * A new password or PIN, shown once: large, selectable, with a copy button.
 * The clipboard API needs a secure context (plain http on a LAN is not one):
 * then the text is selected and copied the old way.
 */
export function SecretNotice({ label, secret, children }: { label: string; secret: string; children?: ReactNode }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(secret);
      else {
        input.current?.select();
        if (!document.execCommand('copy')) throw new Error('copy refused');
      }
      setCopied('yes');
    } catch {
      input.current?.select();
      setCopied('no');
    }
  };
  return (
    <div className="secret tone-success" role="status">
      <div className="secret__label">{label}</div>
      <div className="secret__row">
        <input
          ref={input}
          className="secret__value mono"
          readOnly
          value={secret}
          aria-label={label}
          data-testid="new-secret"
          style={cssVars({ '--chars': Math.max(secret.length, 6) })}
          onFocus={(e) => e.target.select()}
        />
        <Button onClick={() => void copy()}>{copied === 'yes' ? t('ui.secret.copied') : t('ui.secret.copy')}</Button>
      </div>
      <div className="small">
        {copied === 'no' ? `${t('ui.secret.copyRefused')} ` : ''}
        {t('ui.secret.shownOnce')} {children}
      </div>
    </div>
  );
}
