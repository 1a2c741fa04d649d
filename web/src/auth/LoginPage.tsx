/** Sign in: planners and admins with a password, operators with worker id and PIN (touch keypad). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../api/ErrorAlert';
import { useSignIn } from '../api/auth';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { pickLocaleBeforeSignIn } from '../i18n';
import { Button, Card, Keypad, TextField, Tabs } from '../ui';

type Mode = 'office' | 'floor';

export function LoginPage() {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>(() => (window.location.pathname.startsWith('/portal') ? 'floor' : 'office'));
  return (
    <div className="login">
      <div className="login__card">
        <div className="login__brand">Burkol MES</div>
        <div className="login__language">
          <LanguageSwitch tone="dark" onChange={pickLocaleBeforeSignIn} />
        </div>
        <Card>
          <div className="stack">
            <Tabs
              label={t('login.how')}
              value={mode}
              onChange={setMode}
              items={[
                { key: 'office', label: t('login.office') },
                { key: 'floor', label: t('login.floor') },
              ]}
            />
            {mode === 'office' ? <PasswordForm /> : <PinForm />}
          </div>
        </Card>
      </div>
    </div>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useSignIn();
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        signIn.mutate({ kind: 'password', username: username.trim(), password });
      }}
    >
      <TextField
        label={t('login.username')}
        name="username"
        autoComplete="username"
        value={username}
        onChange={(e) => setUsername(e.target.value)}
        required
        autoFocus
      />
      <TextField
        label={t('login.password')}
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
      />
      <ErrorAlert error={signIn.error} title={t('login.refused')} />
      <Button type="submit" variant="primary" size="lg" disabled={!username || !password || signIn.isPending}>
        {signIn.isPending ? t('login.signingIn') : t('login.signIn')}
      </Button>
    </form>
  );
}

function PinForm() {
  const { t } = useTranslation();
  const [workerId, setWorkerId] = useState(() => localStorage.getItem('mes.lastWorkerId') ?? '');
  const [pin, setPin] = useState('');
  const signIn = useSignIn();
  const normalized = normalizeWorkerId(workerId);
  const submit = () => {
    localStorage.setItem('mes.lastWorkerId', normalized);
    signIn.mutate({ kind: 'pin', workerId: normalized, pin }, { onError: () => setPin('') });
  };
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <TextField
        label={t('login.workerId')}
        name="workerId"
        className="input--lg"
        placeholder="W-001"
        autoCapitalize="characters"
        value={workerId}
        onChange={(e) => setWorkerId(e.target.value)}
        required
      />
      <TextField
        label={t('login.pin')}
        name="pin"
        className="input--lg"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        value={pin}
        onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
        required
      />
      <Keypad value={pin} onChange={(v) => setPin(v.replace(/\D/g, '').slice(0, 8))} code label={t('login.pinKeypad')} />
      <ErrorAlert error={signIn.error} title={t('login.refused')} />
      <Button type="submit" variant="primary" size="xl" disabled={!/^W-\d{3,}$/.test(normalized) || pin.length < 4 || signIn.isPending}>
        {signIn.isPending ? t('login.signingIn') : t('login.signIn')}
      </Button>
    </form>
  );
}

/** "w1", "W-1", "001" → "W-001". */
function normalizeWorkerId(raw: string): string {
  const digits = raw.trim().toUpperCase().replace(/^W-?/, '');
  if (/^\d+$/.test(digits)) return `W-${digits.padStart(3, '0')}`;
  return raw.trim().toUpperCase();
}
