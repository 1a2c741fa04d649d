/** What the documents area offers the rest of the app. */
export { listDocuments, readDocument, stepDocuments, uploadDocument } from './documents.service.js';
