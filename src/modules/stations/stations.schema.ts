/** Stations (work centers) and their substations (one machine or bench each). */
import { type Static, Type } from 'typebox';
import { OperationId, StationId, SubstationId, SubstationStatus } from '../../shared/schema.js';
import { PageQuery } from '../../shared/pagination.js';

/** What a planner may set; `in_use` is set only by the shop floor. */
export const settableSubstationStatuses = ['available', 'maintenance'] as const;

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Timestamp = Type.String({ format: 'date-time' });
const ArchivedAt = Type.Union([Timestamp, Type.Null()]);
const AssignmentRef = Type.Union([Type.String(), Type.Null()], { description: 'the assignment running on it (in_use only)' });

const AvailabilityCalendarId = Type.Union([Type.String({ maxLength: 50 }), Type.Null()], {
  description: "shift calendar of the substation's availability (GET /shift-calendars); null = always available",
});

export const StationSubstation = Type.Object({
  id: SubstationId,
  name: Type.String(),
  status: SubstationStatus,
  currentAssignmentId: AssignmentRef,
  availabilityCalendarId: AvailabilityCalendarId,
});

export const Station = Type.Object({
  id: StationId,
  name: Type.String(),
  description: Type.String(),
  location: Type.String(),
  operations: Type.Array(Type.Object({ id: OperationId, name: Type.String() }), { description: 'operations the station can perform' }),
  substations: Type.Array(StationSubstation, { description: 'substations that are not archived' }),
  archivedAt: ArchivedAt,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Station = Static<typeof Station>;

const OperationIds = Type.Array(OperationId, { maxItems: 100, uniqueItems: true, description: 'existing, non-archived operations' });

export const StationCreate = Type.Object(
  {
    id: Type.Optional(StationId),
    name: Name,
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    location: Type.Optional(Type.String({ maxLength: 200 })),
    operationIds: Type.Optional(OperationIds),
    substations: Type.Optional(
      Type.Array(
        Type.Object(
          { id: Type.Optional(SubstationId), name: Name, availabilityCalendarId: Type.Optional(AvailabilityCalendarId) },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type StationCreate = Static<typeof StationCreate>;

export const StationUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    location: Type.Optional(Type.String({ maxLength: 200 })),
    operationIds: Type.Optional(Type.Array(OperationId, { maxItems: 100, uniqueItems: true, description: 'replaces the list' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type StationUpdate = Static<typeof StationUpdate>;

export const StationListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'search in id, name and location' })),
    operationId: Type.Optional(Type.String({ maxLength: 50, description: 'only stations that can perform this operation' })),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type StationListQuery = Static<typeof StationListQuery>;

export const Substation = Type.Object({
  id: SubstationId,
  stationId: StationId,
  name: Type.String(),
  status: SubstationStatus,
  currentAssignmentId: AssignmentRef,
  availabilityCalendarId: AvailabilityCalendarId,
  archivedAt: ArchivedAt,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Substation = Static<typeof Substation>;

export const SubstationCreate = Type.Object(
  {
    stationId: StationId,
    id: Type.Optional(SubstationId),
    name: Name,
    availabilityCalendarId: Type.Optional(AvailabilityCalendarId),
  },
  { additionalProperties: false },
);
export type SubstationCreate = Static<typeof SubstationCreate>;

export const SubstationUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    status: Type.Optional(Type.Enum(settableSubstationStatuses, { description: 'in_use is set by the shop floor only' })),
    availabilityCalendarId: Type.Optional(AvailabilityCalendarId),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SubstationUpdate = Static<typeof SubstationUpdate>;

export const SubstationListQuery = Type.Object(
  {
    stationId: Type.Optional(Type.String({ maxLength: 50 })),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type SubstationListQuery = Static<typeof SubstationListQuery>;

export const StationParams = Type.Object({ id: Type.String({ maxLength: 50 }) });
