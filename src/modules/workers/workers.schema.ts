/** Workers (qualified for operations, allowed at stations) and their shift calendars. */
import { type Static, type TInteger, type TString, Type } from 'typebox';
import { OperationId, StationId, WorkerId } from '../../shared/schema.js';
import { PageQuery } from '../../shared/pagination.js';

/** Stored: available, busy, on_break. Reported besides: off_shift (available, but outside every shift window now). */
export const workerStatuses = ['available', 'busy', 'on_break', 'off_shift'] as const;
export const WorkerStatus = Type.Enum(workerStatuses);
export type WorkerStatus = (typeof workerStatuses)[number];

const Name = Type.String({ minLength: 1, maxLength: 200 });
/**
 * A string or integer that may be null, as one JSON-schema type list: inside
 * an anyOf, the server's type coercion would turn null into "" or 0.
 */
const OrNull = <T extends TString | TInteger>(schema: T) => Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
const Timestamp = Type.String({ format: 'date-time' });

// ---- shift calendars --------------------------------------------------------

export const ShiftCalendarId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$', description: 'calendar code, e.g. DAY' });

export const ShiftWindow = Type.Object(
  {
    weekday: Type.Integer({ minimum: 0, maximum: 6, description: '0 = Sunday .. 6 = Saturday, plant local time' }),
    startMinute: Type.Integer({ minimum: 0, maximum: 1439, description: 'minutes from local midnight' }),
    endMinute: Type.Integer({ minimum: 1, maximum: 1440, description: 'exclusive; after startMinute' }),
  },
  { additionalProperties: false },
);
export type ShiftWindow = Static<typeof ShiftWindow>;

const Minute = (maximum: number) => OrNull(Type.Integer({ minimum: 0, maximum }));
export const ShiftException = Type.Object(
  {
    date: Type.String({ format: 'date', description: 'local date YYYY-MM-DD; its rows replace the weekday windows' }),
    startMinute: Type.Optional(Minute(1439)),
    endMinute: Type.Optional(Minute(1440)),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false, description: 'a working window on that date, or a day off when both minutes are null' },
);

export const ShiftCalendar = Type.Object({
  id: Type.String(),
  name: Type.String(),
  windows: Type.Array(ShiftWindow),
  exceptions: Type.Array(
    Type.Object({
      date: Type.String({ format: 'date' }),
      startMinute: Type.Union([Type.Integer(), Type.Null()]),
      endMinute: Type.Union([Type.Integer(), Type.Null()]),
      note: Type.String(),
    }),
  ),
});
export type ShiftCalendar = Static<typeof ShiftCalendar>;
export type ShiftExceptionRow = ShiftCalendar['exceptions'][number];

const CalendarRules = {
  windows: Type.Array(ShiftWindow, { maxItems: 100 }),
  exceptions: Type.Optional(Type.Array(ShiftException, { maxItems: 1000 })),
};
export const ShiftCalendarCreate = Type.Object({ id: ShiftCalendarId, name: Name, ...CalendarRules }, { additionalProperties: false });
export type ShiftCalendarCreate = Static<typeof ShiftCalendarCreate>;
export const ShiftCalendarReplace = Type.Object({ name: Name, ...CalendarRules }, { additionalProperties: false });
export type ShiftCalendarReplace = Static<typeof ShiftCalendarReplace>;

export const ShiftCalendarListQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 100, description: 'search in code and name' })), ...PageQuery },
  { additionalProperties: false },
);
export type ShiftCalendarListQuery = Static<typeof ShiftCalendarListQuery>;

// ---- workers ----------------------------------------------------------------

export const Worker = Type.Object({
  id: WorkerId,
  name: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  shiftCalendar: Type.Union([ShiftCalendar, Type.Null()]),
  stationIds: Type.Array(Type.String(), { description: 'stations the worker is allowed at' }),
  operationIds: Type.Array(Type.String(), { description: 'operations the worker is qualified for' }),
  status: WorkerStatus,
  currentTask: Type.Union([Type.Object({ planId: Type.String(), nodeId: Type.Union([Type.String(), Type.Null()]), assignmentId: Type.String() }), Type.Null()]),
  archivedAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Worker = Static<typeof Worker>;

const Email = Type.String({ format: 'email', maxLength: 320 });
const StationIds = Type.Array(StationId, { maxItems: 200, uniqueItems: true, description: 'existing, non-archived stations; replaces the list' });
const OperationIds = Type.Array(OperationId, { maxItems: 200, uniqueItems: true, description: 'existing, non-archived operations; replaces the list' });

export const WorkerCreate = Type.Object(
  {
    id: Type.Optional(WorkerId),
    name: Name,
    email: Type.Optional(OrNull(Email)),
    shiftCalendarId: Type.Optional(OrNull(Type.String({ maxLength: 50 }))),
    stationIds: Type.Optional(StationIds),
    operationIds: Type.Optional(OperationIds),
  },
  { additionalProperties: false },
);
export type WorkerCreate = Static<typeof WorkerCreate>;

export const WorkerUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    email: Type.Optional(OrNull(Email)),
    shiftCalendarId: Type.Optional(OrNull(Type.String({ maxLength: 50 }))),
    stationIds: Type.Optional(StationIds),
    operationIds: Type.Optional(OperationIds),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type WorkerUpdate = Static<typeof WorkerUpdate>;

export const WorkerListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'search in id, name and email' })),
    stationId: Type.Optional(Type.String({ maxLength: 50, description: 'only workers allowed at this station' })),
    operationId: Type.Optional(Type.String({ maxLength: 50, description: 'only workers qualified for this operation' })),
    status: Type.Optional(Type.Enum(workerStatuses, { description: 'status=available&stationId=ST-001: the available workers for a station' })),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type WorkerListQuery = Static<typeof WorkerListQuery>;

export const IdParams = Type.Object({ id: Type.String({ maxLength: 50 }) });
