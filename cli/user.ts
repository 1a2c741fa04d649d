/**
 * npm run user -- add USERNAME --role admin|planner|operator [--password P] [--worker W-001 --pin 123456] [--name "Full Name"]
 * npm run user -- list                  (with "locked until …" for accounts locked after failed sign-ins)
 * npm run user -- passwd USERNAME [--password P] [--pin 123456]
 * npm run user -- disable USERNAME | enable USERNAME
 * npm run user -- unlock USERNAME       (lifts a sign-in lock and forgets the failed attempts)
 * A password that is not given is generated and printed once. A new PIN has 6 to 8 digits.
 * Disabling a user and changing a password or PIN end every session of the
 * user at once, open event streams included (a trigger, migration 0008).
 */
import { parseArgs } from 'node:util';
import { setUserDisabled } from '../src/modules/auth/auth.repository.js';
import { roles, type Role } from '../src/modules/auth/auth.schema.js';
import { changeUserSecrets, checkNewSecrets, createUser, listUsers, unlockUser } from '../src/modules/auth/auth.service.js';
import { generatePassword } from '../src/modules/auth/passwords.js';
import { DomainError } from '../src/shared/errors.js';
import { runCli, UsageError, withDatabase } from './common.js';

const usage =
  'usage: user add USERNAME --role ROLE [--password P] [--worker W-001 --pin PIN] [--name NAME] | list | passwd USERNAME [--password P] [--pin PIN] | disable USERNAME | enable USERNAME | unlock USERNAME';

runCli(
  'user',
  async () => {
    let parsed;
    try {
      parsed = parseArgs({
        args: process.argv.slice(2),
        options: { role: { type: 'string' }, password: { type: 'string' }, worker: { type: 'string' }, pin: { type: 'string' }, name: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    const [command, username, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected "${rest.join(' ')}"`);
    const needName = () => {
      if (!username) throw new UsageError(`${command} needs a user name`);
      return username;
    };

    await withDatabase(async ({ db }) => {
      switch (command) {
        case 'add': {
          const name = needName();
          if (!values.role || !roles.includes(values.role as Role)) throw new UsageError(`--role must be one of ${roles.join(', ')}`);
          const role = values.role as Role;
          const password = values.password ?? (role === 'operator' && values.pin ? undefined : generatePassword());
          const user = await createUser(db, {
            username: name,
            role,
            ...(values.name ? { displayName: values.name } : {}),
            ...(password ? { password } : {}),
            ...(values.worker ? { workerId: values.worker } : {}),
            ...(values.pin ? { pin: values.pin } : {}),
          });
          console.log(`created ${user.role} ${user.username}`);
          if (password && !values.password) console.log(`password: ${password}`);
          return;
        }
        case 'list':
          for (const u of await listUsers(db)) {
            const locked = u.lockedUntil ? ` (locked until ${u.lockedUntil.toISOString()})` : '';
            console.log(`${u.username.padEnd(20)} ${u.role.padEnd(9)} ${u.workerId ?? ''}${u.disabledAt ? ' (disabled)' : ''}${locked}`);
          }
          return;
        case 'passwd': {
          const name = needName();
          const password = values.password ?? (values.pin ? undefined : generatePassword());
          try {
            checkNewSecrets({ password, pin: values.pin });
          } catch (error) {
            throw error instanceof DomainError ? new UsageError(error.message) : error;
          }
          await changeUserSecrets(db, name, { ...(password ? { password } : {}), ...(values.pin ? { pin: values.pin } : {}) });
          console.log(`updated ${name}`);
          if (password && !values.password) console.log(`password: ${password}`);
          return;
        }
        case 'disable':
        case 'enable': {
          const name = needName();
          if (!(await setUserDisabled(db, name, command === 'disable'))) throw new Error(`no user ${name}`);
          console.log(`${command}d ${name}`);
          return;
        }
        case 'unlock': {
          const name = needName();
          const { wasLocked } = await unlockUser(db, name);
          console.log(wasLocked ? `unlocked ${name}` : `${name} was not locked; its failed sign-ins are forgotten`);
          return;
        }
        default:
          throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
      }
    });
  },
  usage,
);
