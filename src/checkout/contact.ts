import { EmailAddressResolver, PhoneNumberResolver } from 'graphql-scalars';
import { normalizeAddressRegion, RegionRefusal } from '../common/regions';
import type { AddressSnapshot, BuyerSnapshot } from '../orders/order.entity';
import { STRING_LIMITS } from '../common/input-limits';
import { InvalidAddress, InvalidBuyer } from './checkout.errors';

export interface BuyerInputData {
  name: string;
  email: string;
  phone?: string | null;
}

export interface AddressInputData {
  name: string;
  phone?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode?: string | null;
  country: string;
  reference?: string | null;
}

const MAX_FIELD = STRING_LIMITS['AddressInput.line1'];

function isEmail(value: string): boolean {
  try {
    EmailAddressResolver.parseValue(value);
    return true;
  } catch {
    return false;
  }
}

/** "+1 (305) 555-0100" → "+13055550100"; undefined when it is not a plausible phone number. */
export function normalisePhone(raw: string): string | undefined {
  const compact = raw.replace(/[\s().-]/g, '');
  if (!/^\+?[1-9]\d{6,14}$/.test(compact)) return undefined;
  try {
    return String(PhoneNumberResolver.parseValue(compact));
  } catch {
    return undefined;
  }
}

const blankToNull = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);

/** The buyer as stored on the order, or the first field that is missing or malformed. */
export function buyerSnapshot(input: BuyerInputData): BuyerSnapshot | InvalidBuyer {
  const name = input.name.trim();
  if (!name) return new InvalidBuyer('name', 'Please give the buyer\'s name.');
  if (name.length > MAX_FIELD) return new InvalidBuyer('name', `The buyer's name is longer than ${MAX_FIELD} characters.`);
  const email = input.email.trim();
  if (!isEmail(email)) return new InvalidBuyer('email', `"${input.email}" is not a valid email address.`);
  let phone: string | null = null;
  if (blankToNull(input.phone)) {
    phone = normalisePhone(input.phone!) ?? null;
    if (!phone) return new InvalidBuyer('phone', `"${input.phone}" is not a valid phone number.`);
  }
  return { name, email, phone };
}

/** The delivery address as stored on the order, or the first field that is missing or malformed. */
export function addressSnapshot(input: AddressInputData): AddressSnapshot | InvalidAddress {
  const required = { name: input.name, line1: input.line1, city: input.city } as const;
  for (const [field, value] of Object.entries(required)) {
    if (!value.trim()) return new InvalidAddress(field, `The delivery address needs a ${field === 'line1' ? 'street address' : field}.`);
  }
  const optional = { line2: input.line2, region: input.region, postalCode: input.postalCode, reference: input.reference };
  for (const [field, value] of Object.entries({ ...required, ...optional })) {
    if (value && value.trim().length > MAX_FIELD) {
      return new InvalidAddress(field, `The address ${field} is longer than ${MAX_FIELD} characters.`);
    }
  }
  let phone: string | null = null;
  if (blankToNull(input.phone)) {
    phone = normalisePhone(input.phone!) ?? null;
    if (!phone) return new InvalidAddress('phone', `"${input.phone}" is not a valid phone number.`);
  }
  // Stored as the ISO 3166-2 code, so that shipping (and tax) rates match it by code.
  const region = normalizeAddressRegion(input.country, input.region);
  if (region instanceof RegionRefusal) return new InvalidAddress('region', region.message);
  return {
    name: input.name.trim(),
    phone,
    line1: input.line1.trim(),
    line2: blankToNull(input.line2),
    city: input.city.trim(),
    region,
    postalCode: blankToNull(input.postalCode),
    country: input.country.toUpperCase(),
    reference: blankToNull(input.reference),
  };
}
