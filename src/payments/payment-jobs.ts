import type { MikroORM } from '@mikro-orm/postgresql';
import type { JobDefinition, JobPayload } from '../jobs/job-queue';
import { TASKS } from '../jobs/tasks';
import { Order } from '../orders/order.entity';
import { OrderLifecycle } from '../orders/order-lifecycle.service';
import { Payment } from './payment.entity';
import { startRequestOf, type PaymentProviders } from './payment-provider';
import { PaymentSettlement } from './payment-settlement';
import { Refund, RefundStatus } from './refund.entity';

/**
 * The jobs that reach payment providers after a change committed: voiding the payment of an
 * order that died, and sending refunds. Each is idempotent (provider idempotency keys derive
 * from our ids), so a retry after a timeout or a crash does the work once.
 */
export function paymentJobs(orm: MikroORM, providers: PaymentProviders): Record<string, JobDefinition> {
  return {
    [TASKS.cancelProviderPayment.name]: {
      ...TASKS.cancelProviderPayment,
      handler: async (payload) => {
        const em = orm.em.fork();
        const payment = await em.findOne(Payment, { id: String(payload.paymentId) }, { populate: ['order'] });
        const provider = payment && providers.of(payment);
        if (!payment || !provider?.cancel) return;
        const outcome = await provider.cancel({ providerReference: payment.providerReference ?? null, request: startRequestOf(payment.order, payment) });
        if ('canceled' in outcome) return;
        // The buyer paid before the payment could be voided: settle it like its webhook would.
        await em.transactional(async (tx) => {
          const order = (await OrderLifecycle.lock(tx, payment.order.id))!;
          const current = await tx.findOneOrFail(Payment, { id: payment.id }, { refresh: true });
          await PaymentSettlement.succeeded(tx, order, current, outcome.alreadyPaid, provider.name, `Found paid at ${provider.name} while voiding it`);
        });
      },
    },
    [TASKS.refundPayment.name]: {
      ...TASKS.refundPayment,
      handler: async (payload, helpers) => {
        const em = orm.em.fork();
        const refund = await em.findOne(Refund, { id: String(payload.refundId) }, { populate: ['payment'] });
        if (!refund || refund.status !== RefundStatus.PENDING) return;
        const payment = refund.payment;
        const provider = providers.of(payment);
        if (!provider?.refund || !payment.providerReference) throw new Error(`No provider can refund payment ${payment.id}.`);
        try {
          const done = await provider.refund({
            refundId: refund.id,
            paymentId: payment.id,
            providerReference: payment.providerReference,
            amountMinor: refund.amountMinor,
            currency: refund.currency,
          });
          await em.transactional(async (tx) => {
            const order = (await OrderLifecycle.lock(tx, refund.order.id))!;
            const current = await tx.findOneOrFail(Refund, { id: refund.id }, { refresh: true });
            if (current.status !== RefundStatus.PENDING) return;
            current.status = RefundStatus.SUCCEEDED;
            current.providerReference = done.providerReference;
            current.lastError = null;
            await tx.flush();
            const lockedPayment = await tx.findOneOrFail(Payment, { id: payment.id }, { refresh: true });
            await PaymentSettlement.settleRefunds(tx, order, lockedPayment, provider.name, current.reason ?? `Refunded through ${provider.name}`);
          });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const gaveUp = helpers.job.attempts >= helpers.job.max_attempts;
          await em.nativeUpdate(Refund, { id: refund.id, status: RefundStatus.PENDING }, { lastError: message, ...(gaveUp ? { status: RefundStatus.FAILED } : {}) });
          throw error;
        }
      },
    },
  };
}


