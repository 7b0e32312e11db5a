import { Field, ObjectType } from 'type-graphql';
import type { Page } from './pagination';

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** Fills a GraphQL connection object (edges, pageInfo, totalCount) from a service's page. */
export function toConnection<T, C extends { edges: Array<{ node: T; cursor: string }>; pageInfo: PageInfo; countTotal: () => Promise<number> }>(
  connection: C,
  page: Page<T>,
): C {
  connection.edges = page.edges;
  connection.pageInfo = Object.assign(new PageInfo(), {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: page.edges[0]?.cursor ?? null,
    endCursor: page.edges.at(-1)?.cursor ?? null,
  });
  connection.countTotal = page.countTotal;
  return connection;
}
