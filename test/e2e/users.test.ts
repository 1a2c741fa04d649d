/**
 * User administration in a real browser (issue #19): an admin creates a
 * worker in master data and gives it portal access in one step; the operator
 * signs in on the portal with the PIN shown once; the admin disables the
 * account on the Users page and the portal drops to its sign-in screen. On
 * the way: a planner account created from the Users page, whose generated
 * password signs in. Screenshots (1024 px wide) land in test-results/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, hasChromium, screenshot, signInWithPassword, signInWithPin } from './browser.js';

const password = 'e2e-admin-pass-1';
const timeout = 20_000;
/** A tablet notices a disabled account at once: the server ends its live stream with a `session_ended` event. */
const portalNotices = 10_000;

describe.skipIf(!hasChromium)('user administration in a browser', () => {
  const suite = browserSuite('users', { MES_ADMIN_PASSWORD: password, MES_DEMO_FLOOR: 'false' }, timeout);
  const newPage = () => suite.newPage({ viewport: { width: 1024, height: 768 } });

  it('admin gives a new worker portal access; the operator signs in; disabling the account signs the portal out', async () => {
    // ---- admin: sign in; the Users link is in the header -----------------------------
    const admin = await newPage();
    await signInWithPassword(admin, 'admin', password);
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await admin.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await admin.getByRole('row', { name: 'Manage user admin' }).waitFor();
    await screenshot(admin, 'users');

    // ---- a planner account from the Users page: its generated password signs in ------
    await admin.getByRole('button', { name: 'New user' }).click();
    await admin.getByLabel('User name *').fill('maria');
    await admin.getByLabel('Display name').fill('Maria Planner');
    await admin.getByRole('button', { name: 'Create user' }).click();
    const generated = await admin.getByTestId('new-secret').inputValue();
    expect(generated).toMatch(/^[A-Za-z0-9]{16}$/);
    await screenshot(admin, 'users-new-password');
    await admin.getByRole('button', { name: 'Done' }).click();
    // (outside the browser: a sign-in there would replace the admin's session cookie)
    const maria = await fetch(`${suite.url}/api/mes/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'maria', password: generated }),
    });
    expect(maria.status).toBe(200);

    // ---- master data: a new worker, then portal access in one step --------------------
    await admin.getByRole('link', { name: 'Master data' }).click();
    await admin.getByRole('tab', { name: 'Workers' }).click();
    await admin.getByRole('button', { name: 'New worker' }).click();
    await admin.getByLabel('Name *').fill('Erika Portal');
    await admin.getByRole('button', { name: 'Create worker' }).click();
    const row = admin.getByRole('row', { name: /Edit worker W-/ }).filter({ hasText: 'Erika Portal' });
    await row.waitFor();
    const workerId = (await row.getAttribute('aria-label'))!.replace('Edit worker ', '');
    await row.click();
    await admin.getByText('no portal account').waitFor();
    await admin.getByRole('button', { name: 'Give portal access' }).click();
    const pin = await admin.getByTestId('new-secret').inputValue();
    expect(pin).toMatch(/^[0-9]{6}$/);
    await admin.getByTestId('new-secret').scrollIntoViewIfNeeded();
    await screenshot(admin, 'worker-portal-access');
    await admin.getByRole('button', { name: 'Close' }).click();

    // ---- the operator signs in on the portal with that PIN ----------------------------
    const tablet = await newPage();
    await signInWithPin(tablet, workerId, pin);
    await tablet.getByText('No tasks for you right now').waitFor();
    await tablet.getByText('Erika Portal').first().waitFor();

    // ---- admin: the account on the Users page, signed in once; disable it --------------
    await admin.getByRole('link', { name: 'Users' }).click();
    const account = admin.getByRole('row', { name: `Manage user ${workerId}` });
    await account.getByRole('cell', { name: '1', exact: true }).waitFor();
    await screenshot(admin, 'users-with-operator');
    await account.click();
    await admin
      .getByRole('cell', { name: 'this session' })
      .or(admin.getByRole('button', { name: 'End', exact: true }))
      .first()
      .waitFor();
    await screenshot(admin, 'user-dialog');
    await admin.getByRole('button', { name: 'Disable account…' }).click();
    await admin.getByRole('button', { name: `Yes, disable ${workerId}` }).click();
    await admin.getByRole('button', { name: 'Enable account' }).waitFor();
    await admin.getByText('Not signed in anywhere').waitFor();
    await screenshot(admin, 'user-disabled');

    // ---- the portal drops to its sign-in screen -----------------------------------------
    await tablet.getByRole('tab', { name: 'Shop floor (PIN)' }).waitFor({ timeout: portalNotices });
    await screenshot(tablet, 'portal-after-disable');
    // and the PIN no longer opens it
    await signInWithPin(tablet, workerId, pin);
    await tablet.getByText('worker id or PIN is wrong').waitFor();

    // ---- an admin cannot disable their own account from the page ------------------------
    await admin.getByRole('button', { name: 'Close' }).click();
    await admin.getByRole('row', { name: 'Manage user admin' }).click();
    expect(await admin.getByRole('button', { name: 'Disable account…' }).isDisabled()).toBe(true);
  }, 300_000);
});
