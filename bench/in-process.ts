import type { Logger } from 'pino';
import { viewerFromAuthorization } from '../src/auth/viewer';
import type { Config } from '../src/config';
import { createContext } from '../src/context';
import { manualPayments } from '../src/payments/manual-provider';
import { PaymentMethod } from '../src/payments/payment.entity';
import { PaymentProviders } from '../src/payments/payment-provider';
import type { RunningServer } from '../src/server';
import { checkoutInput, customerToken, type CheckoutLine } from './api';

/**
 * The checkout service called in the server's process, as the resolver calls it, with no
 * HTTP, Apollo, GraphQL or load generator in between: between the API and the SQL baseline,
 * it tells what those layers cost apart from the service, the ORM and the SQL it sends.
 */
export async function inProcessCheckout(server: RunningServer, config: Config, log: Logger, buyerIndex: number, lines: CheckoutLine[]): Promise<string> {
  const viewer = viewerFromAuthorization(`Bearer ${customerToken(buyerIndex)}`, config.jwt);
  const context = createContext(server.orm.em.fork(), viewer, log, {
    checkout: { orderTtlMinutes: config.orderTtlMinutes },
    defaultCurrency: config.defaultCurrency,
    providers: new PaymentProviders([manualPayments]),
    checkoutUrls: { successUrl: config.stripe.successUrl, cancelUrl: config.stripe.cancelUrl },
  });
  const input = checkoutInput(lines, buyerIndex);
  const result = await context.services.checkout.checkout({ ...input, payment: { ...input.payment, method: PaymentMethod.MANUAL_TRANSFER } });
  return 'order' in result ? 'CheckoutSuccess' : result.constructor.name;
}
