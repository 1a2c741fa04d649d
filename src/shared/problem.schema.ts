/** The problem document (RFC 9457) every error response uses, for route schemas and OpenAPI. */
import { Type } from 'typebox';

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    /** The key of `detail` in the server's message catalogs (src/i18n), so a client can word it itself. */
    messageKey: Type.Optional(Type.String()),
    /** The parameters of `detail`: values, or nested messages `{ key, params }`. */
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    field: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.Optional(Type.String()),
          message: Type.String(),
          messageKey: Type.Optional(Type.String()),
          params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        }),
      ),
    ),
  },
  { additionalProperties: true },
);
