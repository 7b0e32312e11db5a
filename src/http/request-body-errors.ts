import type { ErrorRequestHandler } from 'express';

interface BodyParserError {
  status?: number;
  type?: string;
  limit?: number;
}

/**
 * express.json refuses an oversized (413) or malformed (400) body before Apollo sees it.
 * Answer those in GraphQL's error shape instead of Express's HTML page, which shows a stack
 * trace outside production. Anything else goes on to Express.
 */
export const requestBodyErrors: ErrorRequestHandler = (error: BodyParserError, _req, res, next) => {
  const status = error?.status;
  if (res.headersSent || typeof status !== 'number' || status < 400 || status >= 500 || !error.type) return next(error);
  const message =
    error.type === 'entity.too.large'
      ? `The request body is larger than the limit of ${error.limit} bytes.`
      : error.type === 'entity.parse.failed'
        ? 'The request body is not valid JSON.'
        : 'The request body could not be read.';
  res.status(status).json({ errors: [{ message, extensions: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' } }] });
};
