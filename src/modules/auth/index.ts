/** What the auth module offers the rest of the app: who is signed in, roles, sessions. */
export { anyRole, currentUser, plannerRoles, sessionToken } from './auth.request.js';
export type { Role, SessionUser } from './auth.schema.js';
export { authenticate, deleteExpiredSessions, openSessions, sessionOf } from './auth.service.js';
export { SessionCache } from './session-cache.js';
export { sessionCookie } from './auth.request.js';
export { hashCost, productionHashCost } from './passwords.js';
