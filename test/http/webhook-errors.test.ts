import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { captureLogs, useTestApp } from '../support/app';

const WEBHOOK_SECRET = 'whsec_webhook_errors';

const { logger, logs } = captureLogs();
const app = useTestApp({ STRIPE_SECRET_KEY: 'sk_test_webhook_errors', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET }, { logger });

async function deliver(body: string | Buffer, options: { signed?: boolean } = {}) {
  const payload = body.toString();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.signed !== false) headers['stripe-signature'] = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  const response = await fetch(`${app.url}/webhooks/stripe`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
}

const storedEvents = async () => (await app.sql<{ n: number }>('select count(*)::int as n from provider_event'))[0].n;

describe('POST /webhooks/stripe answers JSON for every refusal', () => {
  it.each([
    ['a body that is not JSON', 'this is not json', 'The signed body is not JSON.'],
    ['an event with no type', JSON.stringify({ id: 'evt_no_type', object: 'event', data: { object: { id: 'pi_1' } } }), 'The event has no usable type.'],
    ['an event with no id', JSON.stringify({ type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } }), 'The event has no usable id.'],
    ['an event with no data', JSON.stringify({ id: 'evt_no_data', type: 'payment_intent.succeeded' }), 'The event has no data.object.'],
    ['an event id holding NUL', JSON.stringify({ id: 'evt_\u0000', type: 'payment_intent.succeeded', data: { object: {} } }), 'The event has no usable id.'],
    ['null', 'null', 'The event is not a JSON object.'],
    ['an array', '[]', 'The event is not a JSON object.'],
  ])('refuses a signed body that is %s with 400, stores nothing, so Stripe does not retry it for days', async (_, body, error) => {
    const before = await storedEvents();
    const answer = await deliver(body);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual({ error });
    expect(await storedEvents()).toBe(before);
  });

  it('logs a malformed event with its id', async () => {
    await deliver(JSON.stringify({ id: 'evt_logged_without_type', data: { object: {} } }));
    expect(logs).toContainEqual(expect.objectContaining({ eventId: 'evt_logged_without_type', msg: 'refused a webhook delivery' }));
  });

  it('answers a body over 1 MB with a JSON 413', async () => {
    const answer = await deliver(JSON.stringify({ id: 'evt_big', type: 'x', data: { object: { padding: 'x'.repeat(1024 * 1024) } } }));
    expect(answer.status).toBe(413);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual({ error: 'The request body is larger than the limit of 1048576 bytes.' });
  });

  it('answers a bad signature with a JSON 400', async () => {
    const answer = await deliver(JSON.stringify({ id: 'evt_unsigned', type: 'x', data: { object: {} } }), { signed: false });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error: 'Missing Stripe-Signature header.' });
  });

  it('still records a well-formed event it does not handle, with 200', async () => {
    const answer = await deliver(JSON.stringify({ id: 'evt_well_formed', type: 'customer.created', data: { object: { id: 'cus_1' } } }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ received: true });
  });
});

describe('every other route answers JSON', () => {
  it('answers an unknown path with a JSON 404, not an HTML page', async () => {
    for (const [method, path] of [['GET', '/nothing-here'], ['GET', '/webhooks/stripe']]) {
      const response = await fetch(`${app.url}${path}`, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ error: 'Not found.' });
    }
    const other = await fetch(`${app.url}/webhooks/other`, { method: 'POST' });
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: 'No payment provider "other" takes webhooks here.' });
  });

  it('answers a GraphQL body in an unsupported charset with JSON', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=klingon' },
      body: '{"query":"{ __typename }"}',
    });
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
