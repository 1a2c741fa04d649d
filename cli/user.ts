/**
 * npm run user -- add USERNAME --role admin|planner|operator [--password P] [--worker W-001 --pin 1234] [--name "Full Name"]
 * npm run user -- list
 * npm run user -- passwd USERNAME [--password P] [--pin 1234]
 * npm run user -- disable USERNAME | enable USERNAME
 * A password that is not given is generated and printed once.
 */
import { parseArgs } from 'node:util';
import { listUsers, setUserDisabled, updateUserSecrets } from '../src/modules/auth/auth.repository.js';
import { roles, type Role } from '../src/modules/auth/auth.schema.js';
import { createUser } from '../src/modules/auth/auth.service.js';
import { generatePassword, hashSecret } from '../src/modules/auth/passwords.js';
import { runCli, UsageError, withDatabase } from './common.js';

const usage =
  'usage: user add USERNAME --role ROLE [--password P] [--worker W-001 --pin PIN] [--name NAME] | list | passwd USERNAME [--password P] [--pin PIN] | disable USERNAME | enable USERNAME';

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
            console.log(`${u.username.padEnd(20)} ${u.role.padEnd(9)} ${u.workerId ?? ''}${u.disabledAt ? ' (disabled)' : ''}`);
          }
          return;
        case 'passwd': {
          const name = needName();
          const password = values.password ?? (values.pin ? undefined : generatePassword());
          if (values.pin && !/^[0-9]{4,8}$/.test(values.pin)) throw new UsageError('a PIN has 4 to 8 digits');
          if (password && password.length < 8) throw new UsageError('a password has at least 8 characters');
          const ok = await updateUserSecrets(db, name, {
            ...(password ? { passwordHash: await hashSecret(password) } : {}),
            ...(values.pin ? { pinHash: await hashSecret(values.pin) } : {}),
          });
          if (!ok) throw new Error(`no user ${name}`);
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
        default:
          throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
      }
    });
  },
  usage,
);
