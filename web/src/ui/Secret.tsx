import { type ReactNode, useRef, useState } from 'react';
import { Button } from './Button';
import { cssVars } from './css';

/**
 * A new password or PIN, shown once: large, selectable, with a copy button.
 * The clipboard API needs a secure context (plain http on a LAN is not one):
 * then the text is selected and copied the old way.
 */
export function SecretNotice({ label, secret, children }: { label: string; secret: string; children?: ReactNode }) {
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
        <Button onClick={() => void copy()}>{copied === 'yes' ? 'Copied' : 'Copy'}</Button>
      </div>
      <div className="small">
        {copied === 'no' ? 'Copying is not allowed here: the text is selected, press Ctrl+C. ' : ''}
        Shown only now: hand it over or note it before closing. {children}
      </div>
    </div>
  );
}
