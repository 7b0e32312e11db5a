import type { OptionValue } from './variant.entity';

/** "Premium Headphones (size M, color black)": how messages name a variant. */
export function variantLabel(productName: string, options: OptionValue[]): string {
  if (options.length === 0) return productName;
  return `${productName} (${options.map((o) => `${o.name} ${o.value}`).join(', ')})`;
}

/** Most items a single order line may hold. */
export const MAX_LINE_QUANTITY = 999;
