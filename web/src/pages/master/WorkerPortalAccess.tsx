/**
 * A worker's way into the shop-floor portal, for admins, in one step: creates
 * the worker's operator account or gives it a new PIN (and enables it). The
 * PIN is shown once.
 */
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
  const accounts = useUsers({ workerId: worker.id });
  const grant = usePortalAccess();
  const [pin, setPin] = useState<string | null>(null);
  const account = accounts.data?.items[0];
  const operator = !account || account.role === 'operator';

  return (
    <fieldset className="fieldset">
      <legend>Portal access</legend>
      <div className="stack">
        <div className="toolbar">
          <span>
            {accounts.isPending ? (
              'Loading…'
            ) : !account ? (
              <Badge tone="neutral">no portal account</Badge>
            ) : (
              <>
                Account <span className="mono">{account.username}</span>{' '}
                {account.disabledAt ? <Badge tone="warning">disabled</Badge> : <Badge tone="success">enabled</Badge>}{' '}
                <span className="muted small">last sign-in {account.lastLoginAt ? formatDateTime(account.lastLoginAt) : 'never'}</span>
              </>
            )}
          </span>
          <span className="spacer" />
          {operator && !accounts.isPending && (
            <Button variant="primary" onClick={() => grant.mutate(worker.id, { onSuccess: (r) => setPin(r.pin) })} disabled={grant.isPending}>
              {!account ? 'Give portal access' : account.disabledAt ? 'Enable with a new PIN' : 'New PIN'}
            </Button>
          )}
        </div>
        {!operator && <p className="muted small">This worker is bound to a {account?.role} account: manage it on the Users page.</p>}
        {pin && (
          <SecretNotice label={`PIN of ${worker.id}`} secret={pin}>
            {worker.name} signs in on the portal with the worker id {worker.id} and this PIN.
          </SecretNotice>
        )}
        <ErrorAlert error={grant.error} title="Portal access refused" />
      </div>
    </fieldset>
  );
}
