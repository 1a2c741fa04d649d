/**
 * A worker's way into the shop-floor portal, for admins, in one step: creates
 * the worker's operator account or gives it a new PIN (and enables it). The
 * PIN is shown once.
 */
import { useTranslation } from 'react-i18next';
import { roleLabel } from '../../labels';
import { useState } from 'react';
import { useMe } from '../../api/auth';
import { ErrorAlert } from '../../api/ErrorAlert';
import type { Worker } from '../../api/types';
import { usePortalAccess, useUsers } from '../../api/users';
import { formatDateTime } from '../../format';
import { Badge, Button, SecretNotice } from '../../ui';

export function WorkerPortalAccess({ worker }: { worker: Worker }) {
  const isAdmin = useMe().data?.role === 'admin';
  if (!isAdmin || worker.archivedAt) return null;
  return <PortalAccess worker={worker} />;
}

function PortalAccess({ worker }: { worker: Worker }) {
  const { t } = useTranslation();
  const accounts = useUsers({ workerId: worker.id });
  const grant = usePortalAccess();
  const [pin, setPin] = useState<string | null>(null);
  const account = accounts.data?.items[0];
  const operator = !account || account.role === 'operator';

  return (
    <fieldset className="fieldset">
      <legend>{t('access.title')}</legend>
      <div className="stack">
        <div className="toolbar">
          <span>
            {accounts.isPending ? (
              t('common.loading')
            ) : !account ? (
              <Badge tone="neutral">{t('access.noAccount')}</Badge>
            ) : (
              <>
                {t('access.account')} <span className="mono">{account.username}</span>{' '}
                {account.disabledAt ? <Badge tone="warning">{t('access.disabled')}</Badge> : <Badge tone="success">{t('access.enabled')}</Badge>}{' '}
                <span className="muted small">
                  {t('access.lastSignIn', { when: account.lastLoginAt ? formatDateTime(account.lastLoginAt) : t('access.never') })}
                </span>
              </>
            )}
          </span>
          <span className="spacer" />
          {operator && !accounts.isPending && (
            <Button variant="primary" onClick={() => grant.mutate(worker.id, { onSuccess: (r) => setPin(r.pin) })} disabled={grant.isPending}>
              {!account ? t('access.give') : account.disabledAt ? t('access.enableWithPin') : t('access.newPin')}
            </Button>
          )}
        </div>
        {!operator && <p className="muted small">{t('access.boundTo', { role: account ? roleLabel(account.role) : '' })}</p>}
        {pin && (
          <SecretNotice label={t('access.pinOf', { id: worker.id })} secret={pin}>
            {t('access.signsIn', { name: worker.name, id: worker.id })}
          </SecretNotice>
        )}
        <ErrorAlert error={grant.error} title={t('access.refused')} />
      </div>
    </fieldset>
  );
}
