import { formatMoney } from '../common/money';
import type { Order, OrderLine } from '../orders/order.entity';
import { variantLabel } from '../catalog/variant-label';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The confirmation a buyer receives for a placed order (seed 003): receipt, totals, address. */
export function orderConfirmation(order: Order, lines: OrderLine[]): { recipient: string; subject: string; text: string; html: string } {
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: order.currency });
  const items = lines.map((l) => ({ label: variantLabel(l.productName, l.options), quantity: l.quantity, total: money(l.lineTotalMinor) }));
  const a = order.shippingAddress;
  const address = [a.name, a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country, a.reference].filter(Boolean) as string[];
  const totals: Array<[string, string]> = [
    ['Subtotal', money(order.subtotalMinor)],
    ['Shipping', money(order.shippingMinor)],
    ...(order.discountMinor ? ([['Discount', `-${money(order.discountMinor)}`]] as Array<[string, string]>) : []),
    ['Total', money(order.totalMinor)],
  ];
  const text = [
    `Thank you for your order, ${order.buyer.name}.`,
    '',
    `Order ${order.orderNumber}`,
    ...items.map((i) => `  ${i.quantity} × ${i.label}  ${i.total}`),
    '',
    ...totals.map(([label, value]) => `${label}: ${value}`),
    '',
    'Delivery to:',
    ...address.map((line) => `  ${line}`),
    ...(order.notes ? ['', `Your notes: ${order.notes}`] : []),
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<h1>Thank you for your order, ${escapeHtml(order.buyer.name)}</h1>
<p>Order <strong>${escapeHtml(order.orderNumber)}</strong></p>
<table>${items.map((i) => `<tr><td>${i.quantity} ×</td><td>${escapeHtml(i.label)}</td><td align="right">${escapeHtml(i.total)}</td></tr>`).join('')}</table>
<table>${totals.map(([label, value]) => `<tr><td>${label}</td><td align="right">${escapeHtml(value)}</td></tr>`).join('')}</table>
<p>Delivery to:<br>${address.map(escapeHtml).join('<br>')}</p>
${order.notes ? `<p>Your notes: ${escapeHtml(order.notes)}</p>` : ''}
</body></html>`;
  return { recipient: order.buyer.email, subject: `Your order ${order.orderNumber}`, text, html };
}
