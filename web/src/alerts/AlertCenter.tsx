/**
 * The planner's alerts in the header: a counter with a list to acknowledge (the acknowledgement is kept on the
 * server: after a reload an acknowledged alert is not shown again), and a toast for each alert that arrives live
 * on the event stream (once per device: a reload or another tab does not toast it again).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Alert, alertFeed, isMine, markToasted, useAcknowledgeAlert, useAcknowledgeAll, useUnacknowledgedAlerts } from '../api/alerts';
import type { SessionUser } from '../api/types';
import { formatTime } from '../format';
import { Button } from '../ui';
import { describeAlert } from './describe';
import './alerts.css';

export function AlertCenter({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const alerts = useUnacknowledgedAlerts();
  const ack = useAcknowledgeAlert();
  const ackAll = useAcknowledgeAll();
  const [open, setOpen] = useState(false);
  const [toasts, setToasts] = useState<Alert[]>([]);

  useEffect(
    () =>
      alertFeed.subscribe((alert) => {
        if (!isMine(alert, user) || !markToasted(alert.id)) return;
        setToasts((list) => [alert, ...list.filter((a) => a.id !== alert.id)].slice(0, 4));
      }),
    [user],
  );
  // a toast fades after a while; the alert stays in the list until acknowledged
  useEffect(() => {
    if (toasts.length === 0) return;
    const timer = setTimeout(() => setToasts((list) => list.slice(0, -1)), 10_000);
    return () => clearTimeout(timer);
  }, [toasts]);

  const items = alerts.data?.items ?? [];
  const count = alerts.data?.total ?? 0;
  const acknowledge = (id: number) => {
    setToasts((list) => list.filter((a) => a.id !== id));
    ack.mutate(id);
  };

  return (
    <div className="alert-center">
      <button
        type="button"
        className={count > 0 ? 'alert-center__button has-alerts' : 'alert-center__button'}
        aria-expanded={open}
        aria-label={t('alerts.button', { count })}
        data-testid="alert-count"
        data-count={count}
        onClick={() => setOpen((o) => !o)}
      >
        {t('alerts.title')} <span className="alert-center__count">{count}</span>
      </button>
      {open && (
        <div className="alert-center__panel" role="dialog" aria-label={t('alerts.title')}>
          <div className="row">
            <strong>{t('alerts.title')}</strong>
            <span className="spacer" />
            {items.length > 0 && (
              <Button size="sm" onClick={() => ackAll.mutate(items[0]!.id)}>
                {t('alerts.ackAll')}
              </Button>
            )}
            <Button size="sm" onClick={() => setOpen(false)}>
              {t('alerts.close')}
            </Button>
          </div>
          {items.length === 0 && <p className="muted">{t('alerts.none')}</p>}
          <ul className="alert-center__list">
            {items.map((a) => (
              <AlertItem key={a.id} alert={a} onAck={() => acknowledge(a.id)} />
            ))}
          </ul>
        </div>
      )}
      <div className="toasts" aria-live="assertive">
        {toasts.map((a) => (
          <div key={a.id} className="toast" role="alert" data-testid="alert-toast" data-kind={a.kind}>
            <AlertBody alert={a} />
            <div className="row">
              <Button size="sm" variant="primary" onClick={() => acknowledge(a.id)}>
                {t('alerts.ack')}
              </Button>
              <Button size="sm" onClick={() => setToasts((list) => list.filter((x) => x.id !== a.id))}>
                {t('alerts.close')}
              </Button>
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

export function AlertBody({ alert }: { alert: Alert }) {
  const text = describeAlert(alert);
  return (
    <div className="alert-body">
      <div className="alert-body__title">
        {text.title} <span className="muted small">{formatTime(alert.createdAt)}</span>
      </div>
      <div>{text.detail}</div>
      {text.note && <div className="small">{text.note}</div>}
    </div>
  );
}

function AlertItem({ alert, onAck }: { alert: Alert; onAck: () => void }) {
  const { t } = useTranslation();
  return (
    <li className="alert-center__item" data-testid="alert-item" data-kind={alert.kind}>
      <AlertBody alert={alert} />
      <Button size="sm" onClick={onAck}>
        {t('alerts.ack')}
      </Button>
    </li>
  );
}
