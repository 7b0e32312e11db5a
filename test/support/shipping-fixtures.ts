import { graphql } from '../generated';
import type { ShippingRateInput } from '../generated/graphql';
import type { TestApp } from './app';

/** The one create-shipping-method operation the tests send. */
export const CreateShippingMethod = graphql(`
  mutation CreateShippingMethod($input: CreateShippingMethodInput!) {
    createShippingMethod(input: $input) {
      __typename
      ... on CreateShippingMethodSuccess {
        shippingMethod {
          id
          name
          active
          rates { country region price { amountMinor currency formatted } }
        }
      }
      ... on UserError { code message }
      ... on InvalidInput { field }
      ... on InvalidPrice { currency amountMinor }
      ... on UnsupportedCurrency { currency }
    }
  }
`);

/** A shipping method created by staff through the API; fails the test when it is refused. */
export async function createShippingMethod(app: TestApp, name: string, rates: ShippingRateInput[]) {
  const { createShippingMethod } = await app.query(CreateShippingMethod, { input: { name, rates } }, { token: app.staffToken() });
  if (createShippingMethod.__typename !== 'CreateShippingMethodSuccess') {
    throw new Error(`createShippingMethod refused: ${JSON.stringify(createShippingMethod)}`);
  }
  return createShippingMethod.shippingMethod;
}
