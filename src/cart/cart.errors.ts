import { Field, ID, ObjectType } from 'type-graphql';
import { ErrorCode, UserError } from '../common/errors';

@ObjectType({ implements: UserError, description: 'No open cart with this id that the viewer may use.' })
export class CartNotFound extends UserError {
  @Field(() => ID)
  cartId: string;

  constructor(cartId: string) {
    super(ErrorCode.CART_NOT_FOUND, `Cart ${cartId} does not exist or is no longer open.`);
    this.cartId = cartId;
  }
}

@ObjectType({ implements: UserError })
export class CartLineNotFound extends UserError {
  @Field(() => ID)
  lineId: string;

  constructor(lineId: string) {
    super(ErrorCode.CART_LINE_NOT_FOUND, `Cart line ${lineId} is not in this cart.`);
    this.lineId = lineId;
  }
}
