import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { BulkResult, ErrorEnvelope, anyError } from '../../../schemas/blueai/common.js';
import { BulkDealDelete, BulkDealUpdate } from '../../../schemas/blueai/bulk.js';
import { validationError } from '../../core/errors.js';
import { csvStream } from '../csv.js';
import type { ExportKind } from '../store/export.js';

/** An export: the documented columns, UTF-8 with a BOM, CRLF line ends (RFC 4180). */
const CsvExport = {
  description: 'CSV, UTF-8 with a byte order mark, CRLF line ends (RFC 4180)',
  content: { 'text/csv': { schema: Type.String() } },
};

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 413: ErrorEnvelope, ...anyError };

export default async function bulkRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const bulk = app.blueai.bulk;

  // Real API: undocumented; here: a body of any content type other than JSON or multipart reaches the
  // route unparsed, so it is answered with the 400 the bulk endpoints give for bad input, not a 415.
  app.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume();
    payload.on('end', () => done(null, undefined));
    payload.on('error', (err) => done(err, undefined));
  });

  app.post('/bulk/deals/update', { schema: { body: BulkDealUpdate, response: { 200: BulkResult, ...errors } } }, async (req) =>
    bulk.updateDeals(req.org.id, req.body));

  app.post('/bulk/deals/delete', { schema: { body: BulkDealDelete, response: { 200: BulkResult, ...errors } } }, async (req) =>
    bulk.deleteDeals(req.org.id, req.body));

  app.post('/bulk/contacts/import', { schema: { response: { 200: BulkResult, ...errors } } }, async (req) => {
    if (!req.isMultipart()) {
      throw validationError('Send the CSV as multipart/form-data in a part named "file"', { file: 'is required' });
    }
    let file: Buffer | undefined;
    try {
      for await (const part of req.parts()) {
        if (part.type !== 'file') continue;
        if (part.fieldname === 'file' && file === undefined) file = await part.toBuffer();
        else part.file.resume(); // other file parts are ignored, but must be drained
      }
    } catch (err) {
      // Limits (413) keep their own errors; a body that is not multipart at all ("Unexpected end of
      // multipart data", a missing boundary) is the client's mistake, not ours.
      if ((err as { code?: string }).code?.startsWith('FST_') || (err as { statusCode?: number }).statusCode === 413) throw err;
      throw validationError(`The upload is not valid multipart/form-data: ${(err as Error).message}`, { file: 'is required' });
    }
    if (file === undefined) throw validationError('The upload has no part named "file"', { file: 'is required' });
    return bulk.importContacts(req.org.id, file);
  });

  for (const kind of ['deals', 'contacts', 'companies'] as const satisfies readonly ExportKind[]) {
    // Untyped (the plain instance): the answer is a stream, which the type provider cannot express.
    fastify.get(`/bulk/${kind}/export`, { schema: { response: { 200: CsvExport, ...errors } } }, async (req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${kind}.csv"`)
        .send(csvStream(app.blueai.exports.columns(kind), app.blueai.exports.chunks(req.org.id, kind))));
  }
}
