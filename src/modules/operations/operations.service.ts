/** Use cases of operations: one function, one transaction. */
import type { Db } from '../../db/database.js';
import { recordEvents } from '../realtime/index.js';
import { nextMasterCode } from '../../shared/codes.js';
import { DomainError, m, notFound } from '../../shared/errors.js';
import { unfinishedPlansReferencing } from '../plans/index.js';
import * as repo from './operations.repository.js';
import type { Operation, OperationCreate, OperationUpdate } from './operations.schema.js';

/** Reads that need nothing but the query. */
export { listOperations } from './operations.repository.js';

export async function getOperation(db: Db, id: string): Promise<Operation> {
  const operation = await repo.findOperation(db, id);
  if (!operation) throw notFound('operation', id);
  return operation;
}

export async function createOperation(db: Db, input: OperationCreate, actor: string): Promise<Operation> {
  return db.transaction().execute(async (trx) => {
    const id = input.id ?? (await nextMasterCode(trx, 'operations', 'OP'));
    if (await repo.findOperation(trx, id)) throw new DomainError('conflict', m('operation.exists', { id }), { field: 'body/id' });
    await repo.insertOperation(trx, id, input);
    await recordEvents(trx, [{ topic: 'master', entityType: 'operation', entityId: id, change: 'created', payload: { name: input.name } }], actor);
    return (await repo.findOperation(trx, id))!;
  });
}

export async function updateOperation(db: Db, id: string, input: OperationUpdate, actor: string): Promise<Operation> {
  return db.transaction().execute(async (trx) => {
    if (!(await repo.updateOperation(trx, id, input))) throw notFound('operation', id);
    await recordEvents(trx, [{ topic: 'master', entityType: 'operation', entityId: id, change: 'updated', payload: { ...input } }], actor);
    return (await repo.findOperation(trx, id))!;
  });
}

export async function archiveOperation(db: Db, id: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await repo.findOperation(trx, id))) throw notFound('operation', id);
    const plans = await unfinishedPlansReferencing(trx, { operationId: id });
    if (plans.length > 0) {
      throw new DomainError('conflict', m('operation.used_by_plans', { id, plans: plans.join(', ') }), { dependents: plans });
    }
    await repo.archiveOperation(trx, id);
    await recordEvents(trx, [{ topic: 'master', entityType: 'operation', entityId: id, change: 'archived' }], actor);
  });
}
