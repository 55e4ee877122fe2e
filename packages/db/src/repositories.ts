// The queries the bot and workers need, behind small interfaces so callers
// (and their tests) depend on behaviour rather than on Prisma.
import type { PrismaClient } from "./generated/client.ts";
import { createCommandRunsRepository, type CommandRunsRepository } from "./repositories/command-runs.ts";
import { createCommunitiesRepository, type CommunitiesRepository } from "./repositories/communities.ts";

export type { CommandRunsRepository, CommunitiesRepository };
export type * from "./repositories/types.ts";

export interface Repositories {
  communities: CommunitiesRepository;
  commandRuns: CommandRunsRepository;
}

export function createRepositories(prisma: PrismaClient): Repositories {
  return {
    communities: createCommunitiesRepository(prisma),
    commandRuns: createCommandRunsRepository(prisma),
  };
}
