import { Customer } from '../auth/customer.entity';
import { Cart, CartLine } from '../cart/cart.entity';
import { Category } from '../catalog/category.entity';
import { Product } from '../catalog/product.entity';
import { ProductCategory } from '../catalog/product-category.entity';
import { CatalogCurrency, ProductPriceKey } from '../catalog/product-price-key.entity';
import { VariantPrice } from '../catalog/variant-price.entity';
import { Variant } from '../catalog/variant.entity';
import { RateLimitCounter } from '../http/rate-limit.entity';
import { Notification } from '../notifications/notification.entity';
import { Order, OrderLine, OrderStatusChange } from '../orders/order.entity';
import { Payment } from '../payments/payment.entity';
import { ProviderEvent } from '../payments/provider-event.entity';
import { Refund } from '../payments/refund.entity';
import { FailedJob } from '../jobs/failed-job.entity';
import { ShippingMethod, ShippingRate } from '../shipping/shipping-method.entity';

/** Every entity, listed once: the ORM, the migration generator and the tests all read this. */
export const ENTITIES = [
  Customer,
  Category,
  Product,
  ProductCategory,
  Variant,
  VariantPrice,
  ProductPriceKey,
  CatalogCurrency,
  ShippingMethod,
  ShippingRate,
  Cart,
  CartLine,
  Order,
  OrderLine,
  OrderStatusChange,
  Payment,
  Refund,
  ProviderEvent,
  FailedJob,
  Notification,
  RateLimitCounter,
];
