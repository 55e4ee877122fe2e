-- CreateEnum
CREATE TYPE "GateAuditAction" AS ENUM ('granted', 'removed', 'restored', 'kept', 'check_failed', 'denied');

-- CreateTable
CREATE TABLE "TokenGate" (
    "id" SERIAL NOT NULL,
    "communityId" TEXT NOT NULL,
    "mint" TEXT NOT NULL,
    "program" TEXT NOT NULL,
    "decimals" INTEGER NOT NULL,
    "minAmount" DECIMAL(20,0) NOT NULL,
    "roleId" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TokenGate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GateAudit" (
    "id" BIGSERIAL NOT NULL,
    "communityId" TEXT NOT NULL,
    "gateId" INTEGER,
    "mint" TEXT NOT NULL,
    "roleId" TEXT,
    "memberId" TEXT NOT NULL,
    "action" "GateAuditAction" NOT NULL,
    "reason" TEXT NOT NULL,
    "holdings" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GateAudit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TokenGate_communityId_mint_roleId_key" ON "TokenGate"("communityId", "mint", "roleId");

-- CreateIndex
CREATE INDEX "GateAudit_communityId_at_idx" ON "GateAudit"("communityId", "at");

-- CreateIndex
CREATE INDEX "GateAudit_gateId_memberId_at_idx" ON "GateAudit"("gateId", "memberId", "at");

-- AddForeignKey
ALTER TABLE "TokenGate" ADD CONSTRAINT "TokenGate_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GateAudit" ADD CONSTRAINT "GateAudit_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GateAudit" ADD CONSTRAINT "GateAudit_gateId_fkey" FOREIGN KEY ("gateId") REFERENCES "TokenGate"("id") ON DELETE SET NULL ON UPDATE CASCADE;
