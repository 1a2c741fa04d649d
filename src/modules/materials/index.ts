/** What the materials module offers the rest of the app: the ledger moves plans make (reserve, release, consume, produce). */
export { insertCompletionLedger, insertReservations, lockMaterials, materialsInLedgerOf, releaseReservations } from './ledger.repository.js';
export { type MaterialNeed, type Shortage, shortagesOf } from './materials.rules.js';
export { heldReservations, insertReservationChanges } from './reservations.repository.js';
export { type CompletionLots, takeCompletionLots } from './consumption.service.js';
