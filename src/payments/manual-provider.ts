import { PaymentMethod } from './payment.entity';
import type { PaymentProvider } from './payment-provider';

/**
 * Bank transfers and cash on delivery: nothing to start or void online. Staff confirm the money
 * (confirmManualPayment) and settle refunds by hand, so this provider has no refund call; a
 * refund is recorded as done when staff make it.
 */
export const manualPayments: PaymentProvider = {
  name: 'manual',
  methods: [PaymentMethod.MANUAL_TRANSFER, PaymentMethod.CASH_ON_DELIVERY],
};
