import { Customer } from '../auth/customer.entity';
import { Category } from '../catalog/category.entity';
import { Product } from '../catalog/product.entity';
import { VariantPrice } from '../catalog/variant-price.entity';
import { Variant } from '../catalog/variant.entity';
import { ShippingMethod, ShippingRate } from '../shipping/shipping-method.entity';

/** Every entity, listed once: the ORM, the migration generator and the tests all read this. */
export const ENTITIES = [Customer, Category, Product, Variant, VariantPrice, ShippingMethod, ShippingRate];
