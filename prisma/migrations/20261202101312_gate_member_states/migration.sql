-- AlterEnum
ALTER TYPE "GateAuditAction" ADD VALUE 'grace';

-- CreateTable
CREATE TABLE "GateMemberState" (
    "communityId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "hasAccess" BOOLEAN NOT NULL,
    "shortSince" TIMESTAMP(3),
    "failures" INTEGER NOT NULL DEFAULT 0,
    "removedAt" TIMESTAMP(3),
    "leftAt" TIMESTAMP(3),
    "checkedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GateMemberState_pkey" PRIMARY KEY ("communityId","target","memberId")
);

-- CreateTable
CREATE TABLE "GatePass" (
    "communityId" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "cursor" TEXT,
    "total" INTEGER NOT NULL,
    "checked" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "nextPageAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "GatePass_pkey" PRIMARY KEY ("communityId")
);

-- CreateTable
CREATE TABLE "GateJoinRequest" (
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "userChatId" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "GateJoinRequest_pkey" PRIMARY KEY ("communityId","memberId")
);

-- CreateIndex
CREATE INDEX "GateMemberState_communityId_memberId_idx" ON "GateMemberState"("communityId", "memberId");

-- CreateIndex
CREATE INDEX "GateJoinRequest_status_requestedAt_idx" ON "GateJoinRequest"("status", "requestedAt");

-- AddForeignKey
ALTER TABLE "GateMemberState" ADD CONSTRAINT "GateMemberState_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GatePass" ADD CONSTRAINT "GatePass_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GateJoinRequest" ADD CONSTRAINT "GateJoinRequest_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;
