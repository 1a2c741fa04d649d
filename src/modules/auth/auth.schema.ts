/** Request and response shapes of sign-in, defined once. */
import { type Static, Type } from 'typebox';

export const roles = ['admin', 'planner', 'operator'] as const;
export type Role = (typeof roles)[number];
export const RoleSchema = Type.Enum(roles);

/** The languages the UI speaks (the web catalogs in web/src/i18n/ hold exactly these). */
export const locales = ['en', 'tr'] as const;
export type Locale = (typeof locales)[number];
export const LocaleSchema = Type.Enum(locales);

export const SetLocaleBody = Type.Object({ locale: LocaleSchema }, { additionalProperties: false });

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 50 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const PinLoginBody = Type.Object(
  {
    workerId: Type.String({ pattern: '^W-[0-9]{3,}$', description: 'worker code, e.g. W-001' }),
    pin: Type.String({ pattern: '^[0-9]{4,8}$' }),
  },
  { additionalProperties: false },
);

export const SessionUser = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  workerId: Type.Union([Type.String(), Type.Null()]),
  locale: Type.Union([LocaleSchema, Type.Null()], { description: "the user's UI language; null: not chosen (the browser's language, else English)" }),
});
export type SessionUser = Static<typeof SessionUser>;

export const LoginResponse = Type.Object({
  user: SessionUser,
  token: Type.String({ description: 'bearer token for API clients; browsers use the session cookie' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
