import currencyCodes from 'currency-codes';

/**
 * Money is an integer count of the currency's minor unit (cents for USD, yen for JPY,
 * fils for KWD) plus its ISO 4217 code. Nothing in the code base uses floats for amounts.
 */
export interface MoneyValue {
  amountMinor: number;
  currency: string;
}

// Fund codes, precious metals and test codes are in ISO 4217 but are not something a shop sells in.
const NOT_SALE_CURRENCIES = new Set([
  'BOV', 'CHE', 'CHW', 'CLF', 'COU', 'MXV', 'USN', 'UYI', 'UYW',
  'XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX',
]);

/** The number of decimal places of the currency's minor unit (2 for USD, 0 for JPY, 3 for KWD). */
export function currencyExponent(currency: string): number | undefined {
  const code = currency.toUpperCase();
  if (NOT_SALE_CURRENCIES.has(code)) return undefined;
  return currencyCodes.code(code)?.digits;
}

export function isSaleCurrency(currency: string): boolean {
  return currencyExponent(currency) !== undefined;
}

// Per currency, made once: looking up the exponent searches the ISO table, which showed in profiles.
const formats = new Map<string, { formatter: Intl.NumberFormat; divisor: number }>();

/** "$12.50", "¥1,200", "KWD 1.250": the ISO exponent decides the decimals, not the locale. */
export function formatMoney({ amountMinor, currency }: MoneyValue): string {
  let format = formats.get(currency);
  if (!format) {
    const exponent = currencyExponent(currency) ?? 2;
    const formatter = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    format = { formatter, divisor: 10 ** exponent };
    formats.set(currency, format);
  }
  return format.formatter.format(amountMinor / format.divisor);
}

/** Largest amount the API accepts: Postgres `integer` and GraphQL `Int` are both 32-bit. */
export const MAX_AMOUNT_MINOR = 2_147_483_647;
