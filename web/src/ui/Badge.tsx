import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../format';
import { classNames } from './Button';
import { cssVars } from './css';
import { type Tone, statusLabel, statusTone } from './status';

export function Badge({ tone = 'neutral', large, children, title }: { tone?: Tone; large?: boolean; children: ReactNode; title?: string }) {
  return (
    <span className={classNames('badge', `tone-${tone}`, large && 'badge--lg')} title={title}>
      {children}
    </span>
  );
}

/** The badge of a plan, assignment, worker or substation status: one colour per meaning everywhere. */
export function StatusBadge({ status, large }: { status: string; large?: boolean }) {
  return (
    <Badge tone={statusTone(status)} large={large}>
      {statusLabel(status)}
    </Badge>
  );
}

export function ProgressBar({ done, total, label }: { done: number; total: number; label?: string }) {
  const { t } = useTranslation();
  const value = total > 0 ? done / total : 0;
  const text = label ?? `${formatNumber(done)}/${formatNumber(total)}`;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={t('ui.progress', { done: formatNumber(done), total: formatNumber(total) })}
    >
      <div className="progress__track">
        <div className="progress__fill" style={cssVars({ '--value': value })} />
      </div>
      <span className="progress__label">{text}</span>
    </div>
  );
}

export function LiveDot({ state }: { state: 'live' | 'connecting' | 'offline' }) {
  const { t } = useTranslation();
  const tone: Tone = state === 'live' ? 'success' : state === 'connecting' ? 'warning' : 'danger';
  const text = state === 'live' ? t('ui.live') : state === 'connecting' ? t('ui.connecting') : t('ui.offline');
  return (
    <span className={classNames('live-dot', `tone-${tone}`)} role="status" aria-live="polite">
      {text}
    </span>
  );
}
