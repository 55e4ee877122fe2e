-- DropIndex
DROP INDEX "ChatterMessage_communityId_scoredAt_createdAt_idx";

-- CreateIndex
CREATE INDEX "ChatterMessage_pending_idx" ON "ChatterMessage"("communityId", "createdAt") WHERE ("scoredAt" IS NULL);
