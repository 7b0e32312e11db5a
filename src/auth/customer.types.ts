import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Customer')
export class CustomerType {
  @Field(() => ID, { description: 'The `sub` of the customer\'s access token.' })
  id!: string;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => DateTimeResolver)
  createdAt!: Date;
}
