/**
 * Users (admins only): every account with role, worker, status, last sign-in
 * and active sessions; create an account, change its role, reset its password
 * or PIN (the new secret is shown once), disable or enable it, end sessions.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { roleLabel } from '../../labels';
import { useMemo, useState } from 'react';
import { useMe } from '../../api/auth';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useWorkers } from '../../api/masterData';
import type { SessionView, UserView } from '../../api/types';
import { useCreateUser, useEndSessions, useResetSecret, useSetUserDisabled, useUnlockUser, useUpdateUser, useUserSessions, useUsers } from '../../api/users';
import { formatDateTime, formatNumber } from '../../format';
import { useDebounced } from '../../hooks';
import { Badge, Button, Card, type Column, Dialog, Pager, SecretNotice, SelectField, Table, TextField } from '../../ui';
import './users.css';

type Role = UserView['role'];
const roleOptionsFor = (t: TFunction): { value: Role; label: string }[] => [
  { value: 'admin', label: t('users.role.admin') },
  { value: 'planner', label: t('users.role.planner') },
  { value: 'operator', label: t('users.role.operator') },
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
  const { t } = useTranslation();
  const roleOptions = roleOptionsFor(t);
  const columns = columnsFor(t);
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
          <h1>{t('nav.users')}</h1>
          <span className="muted">{t('users.subtitle')}</span>
        </div>
        <Button variant="primary" onClick={() => setOpen({ username: null })}>
          {t('users.new')}
        </Button>
      </div>
      <Card flush>
        <div className="card__header">
          <div className="toolbar spacer">
            <TextField
              label={t('users.search')}
              type="search"
              value={q}
              onChange={(e) => filter(setQ)(e.target.value)}
              placeholder={t('users.searchPlaceholder')}
            />
            <SelectField
              label={t('users.roleLabel')}
              value={role}
              onChange={(e) => filter(setRole)(e.target.value)}
              options={roleOptions}
              placeholder={t('users.allRoles')}
            />
            <SelectField
              label={t('master.status')}
              value={status}
              onChange={(e) => filter(setStatus)(e.target.value)}
              options={[
                { value: 'false', label: t('users.enabled') },
                { value: 'true', label: t('users.disabled') },
              ]}
              placeholder={t('plans.filter.all')}
            />
            <span className="muted small">{list.data ? `${list.data.total} users` : 'Loading…'}</span>
          </div>
        </div>
        <ErrorAlert error={list.error} />
        <Table
          caption={t('nav.users')}
          columns={columns}
          rows={rows}
          rowKey={(u) => u.username}
          onRowClick={(u) => setOpen({ username: u.username })}
          rowLabel={(u) => t('users.manage', { username: u.username })}
          empty={list.isPending ? t('common.loading') : t('users.noneFound')}
        />
        {list.data && <Pager label={t('nav.users')} total={list.data.total} offset={offset} limit={pageSize} onOffset={setOffset} />}
      </Card>
      {open?.username === null && <NewUserDialog onClose={() => setOpen(null)} />}
      {open?.username && <UserDialog key={open.username} user={rows.find((u) => u.username === open.username)} onClose={() => setOpen(null)} />}
    </div>
  );
}

const columnsFor = (t: TFunction): Column<UserView>[] => [
  {
    key: 'user',
    header: t('users.col.user'),
    render: (u) => (
      <span>
        <span className="mono">{u.username}</span>
        {u.displayName !== u.username && <span className="muted small"> · {u.displayName}</span>}
      </span>
    ),
  },
  { key: 'role', header: t('users.roleLabel'), render: (u) => <Badge tone={roleTone[u.role]}>{roleLabel(u.role)}</Badge> },
  { key: 'worker', header: t('gantt.worker'), render: (u) => (u.workerId ? `${u.workerId} ${u.workerName ?? ''}` : <span className="muted">—</span>) },
  {
    key: 'status',
    header: t('master.status'),
    render: (u) => (
      <span className="row">
        {u.disabledAt ? <Badge tone="warning">{t('access.disabled')}</Badge> : <Badge tone="success">{t('access.enabled')}</Badge>}
        {u.lockedUntil && <Badge tone="danger">{t('users.locked')}</Badge>}
      </span>
    ),
  },
  {
    key: 'last',
    header: t('users.lastSignIn'),
    className: 'nowrap',
    render: (u) => (u.lastLoginAt ? formatDateTime(u.lastLoginAt) : <span className="muted">{t('access.never')}</span>),
  },
  { key: 'sessions', header: t('users.activeSessions'), numeric: true, render: (u) => formatNumber(u.activeSessions) },
];

/** Workers as options, those with an account marked (the server refuses binding a second account). */
function useWorkerOptions() {
  const workers = useWorkers({ limit: 500 });
  return useMemo(() => (workers.data?.items ?? []).map((w) => ({ value: w.id, label: `${w.id} ${w.name}` })), [workers.data]);
}

function NewUserDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const roleOptions = roleOptionsFor(t);
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
      title={t('users.new')}
      onClose={onClose}
      onSubmit={submit}
      footer={
        issued ? (
          <Button variant="primary" onClick={onClose}>
            {t('users.done')}
          </Button>
        ) : (
          <>
            <span className="spacer" />
            <Button onClick={onClose}>{t('users.cancel')}</Button>
            <Button type="submit" variant="primary" disabled={!ready || create.isPending}>
              {t('users.create')}
            </Button>
          </>
        )
      }
    >
      {issued ? (
        <SecretNotice
          label={issued.kind === 'PIN' ? t('users.pinOf', { username: issued.username }) : t('users.passwordOf', { username: issued.username })}
          secret={issued.value}
        >
          {issued.kind === 'PIN' ? t('users.pinSignIn') : t('users.passwordSignIn')}
        </SecretNotice>
      ) : (
        <div className="form-grid">
          <TextField
            label={`${t('login.username')} *`}
            value={form.username}
            onChange={(e) => set({ username: e.target.value })}
            hint={t('users.usernameHint')}
            autoComplete="off"
            required
          />
          <TextField
            label={t('users.displayName')}
            value={form.displayName}
            onChange={(e) => set({ displayName: e.target.value })}
            placeholder={t('users.displayNamePlaceholder')}
          />
          <SelectField label={`${t('users.roleLabel')} *`} value={form.role} onChange={(e) => set({ role: e.target.value as Role })} options={roleOptions} />
          {operator && (
            <>
              <SelectField
                label={`${t('gantt.worker')} *`}
                value={form.workerId}
                onChange={(e) => set({ workerId: e.target.value })}
                options={workerOptions}
                placeholder={t('users.choose')}
              />
              <TextField
                label={t('login.pin')}
                value={form.pin}
                onChange={(e) => set({ pin: e.target.value.replace(/\D/g, '') })}
                inputMode="numeric"
                maxLength={8}
                placeholder={t('users.generated')}
                hint={t('users.pinHint')}
              />
            </>
          )}
          <p className="muted small field--wide">{operator ? t('users.operatorHint') : t('users.passwordHint')}</p>
        </div>
      )}
      <ErrorAlert error={create.error} title={t('users.notCreated')} />
    </Dialog>
  );
}

function UserDialog({ user, onClose }: { user: UserView | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const roleOptions = roleOptionsFor(t);
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
          {t('users.col.user')} <span className="mono">{user.username}</span>
          {user.disabledAt && <Badge tone="warning">{t('access.disabled')}</Badge>}
        </span>
      }
      onClose={onClose}
      footer={
        <>
          {user.disabledAt ? (
            <Button onClick={() => disable.mutate({ username: user.username, disabled: false })} disabled={disable.isPending}>
              {t('users.enableAccount')}
            </Button>
          ) : confirm === 'disable' ? (
            <Button variant="danger" onClick={() => disable.mutate({ username: user.username, disabled: true }, { onSuccess: () => setConfirm(null) })}>
              {t('users.yesDisable', { username: user.username })}
            </Button>
          ) : (
            <Button variant="danger" onClick={() => setConfirm('disable')} disabled={self} title={self ? t('users.cannotDisableSelf') : t('users.disableHint')}>
              {t('users.disableAccount')}
            </Button>
          )}
          <span className="spacer" />
          <Button onClick={onClose}>{t('common.close')}</Button>
        </>
      }
    >
      <div className="stack">
        <dl className="facts">
          <dt>{t('users.displayName')}</dt>
          <dd>{user.displayName}</dd>
          <dt>{t('users.signsInWith')}</dt>
          <dd>{user.role === 'operator' ? t('users.withPin', { id: user.workerId }) : t('users.withPassword')}</dd>
          <dt>{t('users.lastSignIn')}</dt>
          <dd>{user.lastLoginAt ? formatDateTime(user.lastLoginAt) : t('access.never')}</dd>
          <dt>{t('users.created')}</dt>
          <dd>{formatDateTime(user.createdAt)}</dd>
          {user.disabledAt && (
            <>
              <dt>{t('users.disabled')}</dt>
              <dd>{formatDateTime(user.disabledAt)}</dd>
            </>
          )}
          {user.lockedUntil && (
            <>
              <dt>{t('users.lockedLabel')}</dt>
              <dd className="row">
                {t('users.lockedUntil', { when: formatDateTime(user.lockedUntil) })}
                <Button size="sm" onClick={() => unlock.mutate(user.username)} disabled={unlock.isPending}>
                  {t('users.liftLock')}
                </Button>
              </dd>
            </>
          )}
        </dl>
        {issued && (
          <SecretNotice
            label={issued.kind === 'PIN' ? t('users.newPinOf', { username: issued.username }) : t('users.newPasswordOf', { username: issued.username })}
            secret={issued.value}
          >
            {t('users.sessionsEnded')}
          </SecretNotice>
        )}
        <ErrorAlert error={disable.error} title={t('portal.refused')} />

        <fieldset className="fieldset">
          <legend>{t('users.roleLabel')}</legend>
          <div className="toolbar">
            <SelectField label={t('users.roleLabel')} value={role} onChange={(e) => setRole(e.target.value as Role)} options={roleOptions} disabled={self} />
            {role === 'operator' && (
              <SelectField
                label={t('gantt.worker')}
                value={workerId}
                onChange={(e) => setWorkerId(e.target.value)}
                options={workerOptions}
                placeholder={t('users.choose')}
              />
            )}
            <Button onClick={saveRole} disabled={!roleChanged || update.isPending || (role === 'operator' && !workerId)}>
              {t('users.changeRole')}
            </Button>
          </div>
          <p className="muted small">{self ? t('users.cannotChangeOwnRole') : t('users.roleChangeHint')}</p>
          <ErrorAlert error={update.error} title={t('users.roleNotChanged')} />
        </fieldset>

        <fieldset className="fieldset">
          <legend>{secretKind === 'pin' ? t('login.pin') : t('login.password')}</legend>
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
                  {secretKind === 'pin' ? t('users.yesNewPin') : t('users.yesNewPassword')}
                </Button>
                <Button onClick={() => setConfirm(null)}>{t('users.cancel')}</Button>
              </>
            ) : (
              <Button onClick={() => setConfirm('reset')}>{secretKind === 'pin' ? t('users.resetPin') : t('users.resetPassword')}</Button>
            )}
            <span className="muted small">{t('users.resetHint')}</span>
          </div>
          <ErrorAlert error={reset.error} title={t('users.notReset')} />
        </fieldset>

        <UserSessions user={user} />
      </div>
    </Dialog>
  );
}

function UserSessions({ user }: { user: UserView }) {
  const { t } = useTranslation();
  const sessions = useUserSessions(user.username);
  const end = useEndSessions();
  const items = sessions.data?.items ?? [];
  const columns: Column<SessionView>[] = [
    { key: 'created', header: t('users.signedIn'), render: (s) => formatDateTime(s.createdAt) },
    { key: 'expires', header: t('users.expires'), render: (s) => formatDateTime(s.expiresAt) },
    { key: 'current', header: '', render: (s) => (s.current ? <Badge tone="info">{t('users.thisSession')}</Badge> : null) },
    {
      key: 'end',
      header: <span className="sr-only">{t('substations.actions')}</span>,
      render: (s) => (
        <Button size="sm" onClick={() => end.mutate({ username: user.username, sessionId: s.id })} disabled={end.isPending}>
          {t('users.end')}
        </Button>
      ),
    },
  ];
  return (
    <fieldset className="fieldset">
      <legend>{t('users.activeSessionsCount', { n: formatNumber(items.length) })}</legend>
      <div className="stack">
        <Table
          caption={t('users.sessionsOf', { username: user.username })}
          columns={columns}
          rows={items}
          rowKey={(s) => s.id}
          empty={sessions.isPending ? t('common.loading') : t('users.notSignedIn')}
        />
        {items.length > 0 && (
          <div className="toolbar">
            <Button variant="danger" onClick={() => end.mutate({ username: user.username })} disabled={end.isPending}>
              {t('users.endAll')}
            </Button>
          </div>
        )}
        <ErrorAlert error={sessions.error ?? end.error} title={t('users.sessions')} />
      </div>
    </fieldset>
  );
}
