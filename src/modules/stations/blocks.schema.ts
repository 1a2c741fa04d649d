/** Maintenance blocks of a substation (issue #15 item 4): [start, end) when nothing may be booked on it. */
import { type Static, Type } from 'typebox';
import { SubstationId } from '../../shared/schema.js';

const Timestamp = Type.String({ format: 'date-time' });

export const SubstationBlock = Type.Object({
  id: Type.String({ description: 'block id' }),
  substationId: SubstationId,
  start: Timestamp,
  end: Timestamp,
  reason: Type.String(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});
export type SubstationBlock = Static<typeof SubstationBlock>;

export const SubstationBlockCreated = Type.Object({
  ...SubstationBlock.properties,
  moved: Type.Integer({ minimum: 0, description: 'not-started bookings the block moved (their plans were rescheduled around it)' }),
});
export type SubstationBlockCreated = Static<typeof SubstationBlockCreated>;

export const SubstationBlockCreate = Type.Object(
  {
    start: Timestamp,
    end: Type.String({ format: 'date-time', description: 'after start' }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type SubstationBlockCreate = Static<typeof SubstationBlockCreate>;

export const SubstationBlockQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'blocks that end after this' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'blocks that start before this' })),
  },
  { additionalProperties: false },
);
export type SubstationBlockQuery = Static<typeof SubstationBlockQuery>;

export const SubstationBlockParams = Type.Object({ id: Type.String({ maxLength: 50 }), blockId: Type.String({ pattern: '^[0-9]{1,18}$' }) });
