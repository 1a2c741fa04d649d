/**
 * Users (admins only): every account with role, worker, status, last sign-in
 * and active sessions; create an account, change its role, reset its password
 * or PIN (the new secret is shown once), disable or enable it, end sessions.
 */
import { useMemo, useState } from 'react';
import { useMe } from '../../api/auth';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useWorkers } from '../../api/masterData';
import type { SessionView, UserView } from '../../api/types';
import { useCreateUser, useEndSessions, useResetSecret, useSetUserDisabled, useUnlockUser, useUpdateUser, useUserSessions, useUsers } from '../../api/users';
import { formatDateTime } from '../../format';
import { useDebounced } from '../../hooks';
import { Badge, Button, Card, type Column, Dialog, Pager, SecretNotice, SelectField, Table, TextField } from '../../ui';
import './users.css';

type Role = UserView['role'];
const roleOptions: { value: Role; label: string }[] = [
  { value: 'admin', label: 'Admin' },
  { value: 'planner', label: 'Planner' },
  { value: 'operator', label: 'Operator (portal, PIN)' },
];
const roleTone = { admin: 'danger', planner: 'info', operator: 'neutral' } as const;
const pageSize = 50;

/** A secret the server just issued: for whom, which kind, the value. Kept in component state only. */
interface Issued {
  username: string;
  kind: 'password' | 'PIN';
  value: string;
}

const issuedOf = (username: string, r: { password?: string; pin?: string }): Issued | null =>
  r.password ? { username, kind: 'password', value: r.password } : r.pin ? { username, kind: 'PIN', value: r.pin } : null;

export function UsersPage() {
  const [q, setQ] = useState('');
  const [role, setRole] = useState('');
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const search = useDebounced(q.trim(), 250);
  const list = useUsers({ q: search || undefined, role: role || undefined, disabled: status || undefined, limit: pageSize, offset });
  const [open, setOpen] = useState<{ username: string | null } | null>(null);
  const rows = list.data?.items ?? [];
  const filter = (set: (v: string) => void) => (value: string) => {
    set(value);
    setOffset(0);
  };

  return (
    <div className="page">
      <div className="page-header">
        <div className="page-header__title">
          <h1>Users</h1>
          <span className="muted">Accounts, roles, passwords and PINs, sessions</span>
        </div>
        <Button variant="primary" onClick={() => setOpen({ username: null })}>
          New user
        </Button>
      </div>
      <Card flush>
        <div className="card__header">
          <div className="toolbar spacer">
            <TextField label="Search users" type="search" value={q} onChange={(e) => filter(setQ)(e.target.value)} placeholder="Name or worker" />
            <SelectField label="Role" value={role} onChange={(e) => filter(setRole)(e.target.value)} options={roleOptions} placeholder="All roles" />
            <SelectField
              label="Status"
              value={status}
              onChange={(e) => filter(setStatus)(e.target.value)}
              options={[
                { value: 'false', label: 'Enabled' },
                { value: 'true', label: 'Disabled' },
              ]}
              placeholder="All"
            />
            <span className="muted small">{list.data ? `${list.data.total} users` : 'Loading…'}</span>
          </div>
        </div>
        <ErrorAlert error={list.error} />
        <Table
          caption="Users"
          columns={columns}
          rows={rows}
          rowKey={(u) => u.username}
          onRowClick={(u) => setOpen({ username: u.username })}
          rowLabel={(u) => `Manage user ${u.username}`}
          empty={list.isPending ? 'Loading…' : 'No users found'}
        />
        {list.data && <Pager label="Users" total={list.data.total} offset={offset} limit={pageSize} onOffset={setOffset} />}
      </Card>
      {open?.username === null && <NewUserDialog onClose={() => setOpen(null)} />}
      {open?.username && <UserDialog key={open.username} user={rows.find((u) => u.username === open.username)} onClose={() => setOpen(null)} />}
    </div>
  );
}

const columns: Column<UserView>[] = [
  {
    key: 'user',
    header: 'User',
    render: (u) => (
      <span>
        <span className="mono">{u.username}</span>
        {u.displayName !== u.username && <span className="muted small"> · {u.displayName}</span>}
      </span>
    ),
  },
  { key: 'role', header: 'Role', render: (u) => <Badge tone={roleTone[u.role]}>{u.role}</Badge> },
  { key: 'worker', header: 'Worker', render: (u) => (u.workerId ? `${u.workerId} ${u.workerName ?? ''}` : <span className="muted">—</span>) },
  {
    key: 'status',
    header: 'Status',
    render: (u) => (
      <span className="row">
        {u.disabledAt ? <Badge tone="warning">disabled</Badge> : <Badge tone="success">enabled</Badge>}
        {u.lockedUntil && <Badge tone="danger">locked</Badge>}
      </span>
    ),
  },
  {
    key: 'last',
    header: 'Last sign-in',
    className: 'nowrap',
    render: (u) => (u.lastLoginAt ? formatDateTime(u.lastLoginAt) : <span className="muted">never</span>),
  },
  { key: 'sessions', header: 'Active sessions', numeric: true, render: (u) => u.activeSessions },
];

/** Workers as options, those with an account marked (the server refuses binding a second account). */
function useWorkerOptions() {
  const workers = useWorkers({ limit: 500 });
  return useMemo(() => (workers.data?.items ?? []).map((w) => ({ value: w.id, label: `${w.id} ${w.name}` })), [workers.data]);
}

function NewUserDialog({ onClose }: { onClose: () => void }) {
  const [form, setForm] = useState({ username: '', displayName: '', role: 'planner' as Role, workerId: '', pin: '' });
  const create = useCreateUser();
  const workerOptions = useWorkerOptions();
  const [issued, setIssued] = useState<Issued | null>(null);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const operator = form.role === 'operator';
  const ready = form.username.trim() !== '' && (!operator || form.workerId !== '');
  const submit = () => {
    if (!ready || issued) return;
    create.mutate(
      {
        username: form.username.trim(),
        role: form.role,
        ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}),
        ...(operator ? { workerId: form.workerId } : {}),
        ...(operator && form.pin.trim() ? { pin: form.pin.trim() } : {}),
      },
      { onSuccess: (r) => setIssued(issuedOf(r.user.username, r)) },
    );
  };

  return (
    <Dialog
      open
      wide
      title="New user"
      onClose={onClose}
      onSubmit={submit}
      footer={
        issued ? (
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        ) : (
          <>
            <span className="spacer" />
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={!ready || create.isPending}>
              Create user
            </Button>
          </>
        )
      }
    >
      {issued ? (
        <SecretNotice label={`${issued.kind === 'PIN' ? 'PIN' : 'Password'} of ${issued.username}`} secret={issued.value}>
          {issued.kind === 'PIN' ? 'The operator signs in on the portal with the worker id and this PIN.' : 'Sign in with the user name and this password.'}
        </SecretNotice>
      ) : (
        <div className="form-grid">
          <TextField
            label="User name *"
            value={form.username}
            onChange={(e) => set({ username: e.target.value })}
            hint="letters, digits, . _ -"
            autoComplete="off"
            required
          />
          <TextField
            label="Display name"
            value={form.displayName}
            onChange={(e) => set({ displayName: e.target.value })}
            placeholder="as the header shows it"
          />
          <SelectField label="Role *" value={form.role} onChange={(e) => set({ role: e.target.value as Role })} options={roleOptions} />
          {operator && (
            <>
              <SelectField
                label="Worker *"
                value={form.workerId}
                onChange={(e) => set({ workerId: e.target.value })}
                options={workerOptions}
                placeholder="— choose —"
              />
              <TextField
                label="PIN"
                value={form.pin}
                onChange={(e) => set({ pin: e.target.value.replace(/\D/g, '') })}
                inputMode="numeric"
                maxLength={8}
                placeholder="generated"
                hint="6 to 8 digits; empty = generated"
              />
            </>
          )}
          <p className="muted small field--wide">
            {operator
              ? 'Operators sign in on the shop-floor portal with their worker id and PIN.'
              : 'A password is generated and shown once after creating the user.'}
          </p>
        </div>
      )}
      <ErrorAlert error={create.error} title="Not created" />
    </Dialog>
  );
}

function UserDialog({ user, onClose }: { user: UserView | undefined; onClose: () => void }) {
  const me = useMe().data;
  const [role, setRole] = useState<Role>(user?.role ?? 'planner');
  const [workerId, setWorkerId] = useState(user?.workerId ?? '');
  const [issued, setIssued] = useState<Issued | null>(null);
  const [confirm, setConfirm] = useState<'reset' | 'disable' | null>(null);
  const update = useUpdateUser();
  const reset = useResetSecret();
  const disable = useSetUserDisabled();
  const unlock = useUnlockUser();
  const workerOptions = useWorkerOptions();
  if (!user) return null;
  const self = me?.id === user.id;
  const secretKind = user.role === 'operator' ? 'pin' : 'password';
  const roleChanged = role !== user.role || (role === 'operator' && workerId !== (user.workerId ?? ''));
  const saveRole = () =>
    update.mutate(
      {
        username: user.username,
        body: { ...(role !== user.role ? { role } : {}), ...(role === 'operator' && workerId !== user.workerId ? { workerId } : {}) },
      },
      { onSuccess: (r) => setIssued(issuedOf(user.username, r)) },
    );

  return (
    <Dialog
      open
      wide
      title={
        <span className="row">
          User <span className="mono">{user.username}</span>
          {user.disabledAt && <Badge tone="warning">disabled</Badge>}
        </span>
      }
      onClose={onClose}
      footer={
        <>
          {user.disabledAt ? (
            <Button onClick={() => disable.mutate({ username: user.username, disabled: false })} disabled={disable.isPending}>
              Enable account
            </Button>
          ) : confirm === 'disable' ? (
            <Button variant="danger" onClick={() => disable.mutate({ username: user.username, disabled: true }, { onSuccess: () => setConfirm(null) })}>
              Yes, disable {user.username}
            </Button>
          ) : (
            <Button
              variant="danger"
              onClick={() => setConfirm('disable')}
              disabled={self}
              title={self ? 'You cannot disable your own account' : 'Signs the user out everywhere; they cannot sign in until enabled'}
            >
              Disable account…
            </Button>
          )}
          <span className="spacer" />
          <Button onClick={onClose}>Close</Button>
        </>
      }
    >
      <div className="stack">
        <dl className="facts">
          <dt>Display name</dt>
          <dd>{user.displayName}</dd>
          <dt>Signs in with</dt>
          <dd>{user.role === 'operator' ? `worker id ${user.workerId} and PIN` : 'user name and password'}</dd>
          <dt>Last sign-in</dt>
          <dd>{user.lastLoginAt ? formatDateTime(user.lastLoginAt) : 'never'}</dd>
          <dt>Created</dt>
          <dd>{formatDateTime(user.createdAt)}</dd>
          {user.disabledAt && (
            <>
              <dt>Disabled</dt>
              <dd>{formatDateTime(user.disabledAt)}</dd>
            </>
          )}
          {user.lockedUntil && (
            <>
              <dt>Locked</dt>
              <dd className="row">
                until {formatDateTime(user.lockedUntil)}, after failed sign-ins
                <Button size="sm" onClick={() => unlock.mutate(user.username)} disabled={unlock.isPending}>
                  Lift lock
                </Button>
              </dd>
            </>
          )}
        </dl>
        {issued && (
          <SecretNotice label={`New ${issued.kind} of ${issued.username}`} secret={issued.value}>
            Its sessions have ended.
          </SecretNotice>
        )}
        <ErrorAlert error={disable.error} title="Refused" />

        <fieldset className="fieldset">
          <legend>Role</legend>
          <div className="toolbar">
            <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)} options={roleOptions} disabled={self} />
            {role === 'operator' && (
              <SelectField label="Worker" value={workerId} onChange={(e) => setWorkerId(e.target.value)} options={workerOptions} placeholder="— choose —" />
            )}
            <Button onClick={saveRole} disabled={!roleChanged || update.isPending || (role === 'operator' && !workerId)}>
              Change role
            </Button>
          </div>
          <p className="muted small">
            {self
              ? 'You cannot change the role of your own account.'
              : 'A role change signs the user out. Operators sign in with a PIN, the others with a password: a missing one is generated and shown once.'}
          </p>
          <ErrorAlert error={update.error} title="Role not changed" />
        </fieldset>

        <fieldset className="fieldset">
          <legend>{secretKind === 'pin' ? 'PIN' : 'Password'}</legend>
          <div className="toolbar">
            {confirm === 'reset' ? (
              <>
                <Button
                  variant="primary"
                  onClick={() =>
                    reset.mutate(
                      { username: user.username, kind: secretKind },
                      {
                        onSuccess: (r) => {
                          setIssued(issuedOf(user.username, r));
                          setConfirm(null);
                        },
                      },
                    )
                  }
                  disabled={reset.isPending}
                >
                  Yes, new {secretKind === 'pin' ? 'PIN' : 'password'}
                </Button>
                <Button onClick={() => setConfirm(null)}>Cancel</Button>
              </>
            ) : (
              <Button onClick={() => setConfirm('reset')}>Reset {secretKind === 'pin' ? 'PIN' : 'password'}…</Button>
            )}
            <span className="muted small">A new one is generated and shown once; the old one stops working and the user is signed out.</span>
          </div>
          <ErrorAlert error={reset.error} title="Not reset" />
        </fieldset>

        <UserSessions user={user} />
      </div>
    </Dialog>
  );
}

function UserSessions({ user }: { user: UserView }) {
  const sessions = useUserSessions(user.username);
  const end = useEndSessions();
  const items = sessions.data?.items ?? [];
  const columns: Column<SessionView>[] = [
    { key: 'created', header: 'Signed in', render: (s) => formatDateTime(s.createdAt) },
    { key: 'expires', header: 'Expires', render: (s) => formatDateTime(s.expiresAt) },
    { key: 'current', header: '', render: (s) => (s.current ? <Badge tone="info">this session</Badge> : null) },
    {
      key: 'end',
      header: <span className="sr-only">Actions</span>,
      render: (s) => (
        <Button size="sm" onClick={() => end.mutate({ username: user.username, sessionId: s.id })} disabled={end.isPending}>
          End
        </Button>
      ),
    },
  ];
  return (
    <fieldset className="fieldset">
      <legend>Active sessions ({items.length})</legend>
      <div className="stack">
        <Table
          caption={`Sessions of ${user.username}`}
          columns={columns}
          rows={items}
          rowKey={(s) => s.id}
          empty={sessions.isPending ? 'Loading…' : 'Not signed in anywhere'}
        />
        {items.length > 0 && (
          <div className="toolbar">
            <Button variant="danger" onClick={() => end.mutate({ username: user.username })} disabled={end.isPending}>
              End all sessions
            </Button>
          </div>
        )}
        <ErrorAlert error={sessions.error ?? end.error} title="Sessions" />
      </div>
    </fieldset>
  );
}
