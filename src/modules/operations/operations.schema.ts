/** Operations: kinds of work (laser cutting, bending, welding, ...). */
import { type Static, Type } from 'typebox';
import { OperationId, PositiveAmount } from '../../shared/schema.js';
import { PageQuery } from '../../shared/pagination.js';

export const Operation = Type.Object({
  id: OperationId,
  name: Type.String(),
  description: Type.String(),
  defaultEfficiency: Type.Number(),
  defaultNominalTime: Type.Union([Type.Number(), Type.Null()], { description: 'minutes per unit a new step of this operation starts with; null = none' }),
  stationIds: Type.Array(Type.String(), { description: 'stations that can perform it' }),
  archivedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Operation = Static<typeof Operation>;

export const OperationCreate = Type.Object(
  {
    id: Type.Optional(OperationId),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    defaultEfficiency: Type.Optional(PositiveAmount(5)),
    defaultNominalTime: Type.Optional(Type.Union([PositiveAmount(100000), Type.Null()])),
  },
  { additionalProperties: false },
);
export type OperationCreate = Static<typeof OperationCreate>;

export const OperationUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    defaultEfficiency: Type.Optional(PositiveAmount(5)),
    defaultNominalTime: Type.Optional(Type.Union([PositiveAmount(100000), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type OperationUpdate = Static<typeof OperationUpdate>;

export const OperationListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'search in id and name' })),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type OperationListQuery = Static<typeof OperationListQuery>;

export const OperationParams = Type.Object({ id: Type.String({ maxLength: 50 }) });
