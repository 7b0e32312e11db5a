import type { ErrorRequestHandler, RequestHandler } from 'express';

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

/** The last handlers of the app: an unknown path is a JSON 404, and an error nothing else answered a JSON 500. */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'Not found.' });
};

export const lastResortErrors: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) return next(error);
  req.log.error({ err: error }, 'unexpected error outside GraphQL');
  res.status(500).json({ error: 'Internal server error.' });
};
