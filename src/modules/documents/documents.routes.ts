/**
 * Documents: upload (the file's bytes as the body, `application/octet-stream`,
 * its name in `?name=`), list, the documents of a step for the portal,
 * download, delete.
 *
 * The body is read by this plugin's own parser, counting bytes as they come:
 * a declared Content-Length over MES_DOCUMENT_MAX_MB is refused before
 * anything is read, and a body that grows past it is refused at that point,
 * so no upload is ever buffered beyond the limit.
 */
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError, m } from '../../shared/errors.js';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser, plannerRoles } from '../auth/index.js';
import { shownInline } from './documents.rules.js';
import {
  AssignmentDocumentsParams,
  Document,
  DocumentDeleteQuery,
  DocumentList,
  DocumentParams,
  DocumentUploadQuery,
  NodeDocumentsParams,
  OperationDocumentsParams,
  PlanDocumentsParams,
  StepDocuments,
} from './documents.schema.js';
import * as service from './documents.service.js';

const tags = ['documents'];

/** The policy of a served document: nothing runs, nothing loads; only the app's own pages may frame it (the portal shows PDFs inline). */
export const documentCsp =
  "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

/** Reads a request body up to `limit` bytes; past it (declared or counted), a 413 naming the limit. */
export async function readBounded(payload: Readable, declaredLength: string | undefined, limit: number, limitMb: number): Promise<Buffer> {
  const tooLarge = () => new DomainError('too_large', m('documents.too_large', { limitMb }), { field: 'body' });
  if (declaredLength !== undefined && Number(declaredLength) > limit) {
    payload.resume(); // discard what the client still sends, so it can read the answer
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of payload) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      payload.resume();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}

/** `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the exact name. */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'the file' });
const uploadResponses = { 201: Document, 400: Problem, 404: Problem, 413: Problem, 415: Problem, 422: Problem };

export const documentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config } = app.mes;
  const limit = config.documentMaxMb * 1024 * 1024;

  app.addContentTypeParser('application/octet-stream', async (request: { headers: Record<string, string | string[] | undefined> }, payload: Readable) =>
    readBounded(payload, request.headers['content-length'] as string | undefined, limit, config.documentMaxMb),
  );

  // the file is the body: any other content type is refused before a byte of it is parsed (JSON up to the file limit would be)
  const octetStreamOnly = async (request: { headers: Record<string, string | string[] | undefined> }) => {
    const type = String(request.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (type !== 'application/octet-stream') throw new DomainError('unsupported_type', m('documents.body_binary'), { field: 'body' });
  };
  const bodyOf = (body: unknown): Buffer => {
    if (!Buffer.isBuffer(body)) throw new DomainError('unsupported_type', m('documents.body_binary'), { field: 'body' });
    return body;
  };
  const uploadSchema = <P extends typeof OperationDocumentsParams | typeof PlanDocumentsParams | typeof NodeDocumentsParams>(summary: string, params: P) => ({
    tags,
    summary,
    description:
      'The body is the file itself (Content-Type: application/octet-stream); its type is read from the content. A name uploaded again is its next version.',
    consumes: ['application/octet-stream'],
    params,
    querystring: DocumentUploadQuery,
    response: uploadResponses,
  });

  app.post(
    '/operations/:id/documents',
    {
      schema: uploadSchema('Upload a document to an operation', OperationDocumentsParams),
      config: { roles: plannerRoles },
      bodyLimit: limit + 1,
      preParsing: octetStreamOnly,
    },
    async (request, reply) => {
      const owner = { kind: 'operation' as const, operationId: request.params.id, planId: null, nodeKey: null };
      return reply.code(201).send(await service.uploadDocument(db, owner, request.query.name, bodyOf(request.body), currentUser(request).username));
    },
  );
  app.get(
    '/operations/:id/documents',
    {
      schema: { tags, summary: "An operation's documents", params: OperationDocumentsParams, response: { 200: DocumentList, 404: Problem } },
      config: { roles: plannerRoles },
    },
    async (request) => service.listDocuments(db, { kind: 'operation', operationId: request.params.id, planId: null, nodeKey: null }),
  );

  app.post(
    '/production-plans/:id/documents',
    {
      schema: uploadSchema('Upload a document to a plan', PlanDocumentsParams),
      config: { roles: plannerRoles },
      bodyLimit: limit + 1,
      preParsing: octetStreamOnly,
    },
    async (request, reply) => {
      const owner = { kind: 'plan' as const, operationId: null, planId: request.params.id, nodeKey: null };
      return reply.code(201).send(await service.uploadDocument(db, owner, request.query.name, bodyOf(request.body), currentUser(request).username));
    },
  );
  app.get(
    '/production-plans/:id/documents',
    {
      schema: { tags, summary: "A plan's own documents", params: PlanDocumentsParams, response: { 200: DocumentList, 404: Problem } },
      config: { roles: plannerRoles },
    },
    async (request) => service.listDocuments(db, { kind: 'plan', operationId: null, planId: request.params.id, nodeKey: null }),
  );

  app.post(
    '/production-plans/:id/nodes/:nodeId/documents',
    {
      schema: uploadSchema("Upload a document to a plan's step", NodeDocumentsParams),
      config: { roles: plannerRoles },
      bodyLimit: limit + 1,
      preParsing: octetStreamOnly,
    },
    async (request, reply) => {
      const owner = { kind: 'plan_node' as const, operationId: null, planId: request.params.id, nodeKey: request.params.nodeId };
      return reply.code(201).send(await service.uploadDocument(db, owner, request.query.name, bodyOf(request.body), currentUser(request).username));
    },
  );
  app.get(
    '/production-plans/:id/nodes/:nodeId/documents',
    {
      schema: { tags, summary: "A plan step's documents", params: NodeDocumentsParams, response: { 200: DocumentList, 404: Problem } },
      config: { roles: plannerRoles },
    },
    async (request) => service.listDocuments(db, { kind: 'plan_node', operationId: null, planId: request.params.id, nodeKey: request.params.nodeId }),
  );

  app.get(
    '/worker-assignments/:id/documents',
    {
      schema: {
        tags,
        summary: "The documents next to a task: the step's, its plan's and its operation's (an operator: their own tasks only)",
        params: AssignmentDocumentsParams,
        response: { 200: StepDocuments, 403: Problem, 404: Problem },
      },
      config: { roles: anyRole },
    },
    async (request) => service.stepDocuments(db, request.params.id, currentUser(request)),
  );

  app.get(
    '/documents/:id',
    {
      schema: {
        tags,
        summary: 'Download one version of a document (PDF and images inline, DXF/STEP as attachments); an operator: documents of their own steps only',
        params: DocumentParams,
        response: { 200: Binary, 304: Type.Null(), 404: Problem },
      },
      config: { roles: anyRole },
    },
    async (request, reply) => {
      const { document, content } = await service.readDocument(db, request.params.id, currentUser(request));
      const etag = `"${document.sha256}"`;
      reply.headers({
        etag,
        'cache-control': 'private, no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': documentCsp,
        'x-frame-options': 'SAMEORIGIN',
        'content-disposition': disposition(shownInline(document.contentType) ? 'inline' : 'attachment', document.name),
      });
      if (request.headers['if-none-match'] === etag) return reply.code(304).send(null);
      return reply.code(200).type(document.contentType).send(content);
    },
  );

  app.delete(
    '/documents/:id',
    {
      schema: {
        tags,
        summary: 'Delete this version of a document (the other versions stay), or with allVersions=true every version of its name',
        params: DocumentParams,
        querystring: DocumentDeleteQuery,
        response: { 204: Type.Null(), 404: Problem },
      },
      config: { roles: plannerRoles },
    },
    async (request, reply) => {
      await service.deleteDocument(db, request.params.id, request.query.allVersions ?? false);
      return reply.code(204).send(null);
    },
  );
};
