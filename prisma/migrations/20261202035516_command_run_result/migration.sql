-- AlterTable
ALTER TABLE "CommandRun" ADD COLUMN     "result" JSONB;

-- CreateIndex
CREATE INDEX "CommandRun_communityId_command_createdAt_idx" ON "CommandRun"("communityId", "command", "createdAt");
