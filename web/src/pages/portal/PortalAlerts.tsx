/**
 * The operator's alerts on the tablet: a clear banner for each one not yet acknowledged (a task withdrawn or
 * moved, a problem resolved and by whom), an acknowledge button each, and an optional sound when one arrives
 * live (off by default; the choice is kept on this device).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { alertFeed, isMine, useAcknowledgeAlert, useUnacknowledgedAlerts } from '../../api/alerts';
import type { SessionUser } from '../../api/types';
import { AlertBody } from '../../alerts/AlertCenter';
import { Button } from '../../ui';

const soundKey = 'burkol.portal.alertSound';

function readSound(): boolean {
  try {
    return localStorage.getItem(soundKey) === 'on';
  } catch {
    return false;
  }
}

/** A short two-tone chime (Web Audio: no file to load, nothing for the CSP to refuse). */
function chime(): void {
  try {
    const Ctx = window.AudioContext;
    const ctx = new Ctx();
    [880, 660].forEach((frequency, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = frequency;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.25);
      osc.stop(ctx.currentTime + i * 0.25 + 0.2);
    });
    setTimeout(() => void ctx.close(), 1_000);
  } catch {
    // no audio on this device
  }
}

export function SoundToggle() {
  const { t } = useTranslation();
  const [on, setOn] = useState(readSound);
  const toggle = () => {
    const next = !on;
    setOn(next);
    try {
      localStorage.setItem(soundKey, next ? 'on' : 'off');
    } catch {
      // private mode: for this page only
    }
    if (next) chime();
  };
  return (
    <Button size="lg" variant="on-dark" aria-pressed={on} onClick={toggle}>
      {on ? `♪ ${t('alerts.soundOn')}` : t('alerts.soundOff')}
    </Button>
  );
}

export function PortalAlerts({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const alerts = useUnacknowledgedAlerts();
  const ack = useAcknowledgeAlert();

  useEffect(
    () =>
      alertFeed.subscribe((alert) => {
        if (isMine(alert, user) && readSound()) chime();
      }),
    [user],
  );

  const items = alerts.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <div className="portal-alerts" aria-live="assertive">
      {items.map((a) => (
        <div
          key={a.id}
          role="alert"
          className={a.kind === 'problem_resolved' ? 'portal-alert portal-alert--good' : 'portal-alert'}
          data-testid="portal-alert"
          data-kind={a.kind}
        >
          <AlertBody alert={a} />
          <Button size="lg" variant="primary" onClick={() => ack.mutate(a.id)}>
            {t('alerts.ack')}
          </Button>
        </div>
      ))}
    </div>
  );
}
