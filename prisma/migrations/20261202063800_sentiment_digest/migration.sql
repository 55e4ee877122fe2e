-- CreateTable
CREATE TABLE "SentimentDigest" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "hour" INTEGER NOT NULL,
    "timeZone" TEXT NOT NULL,
    "target" JSONB NOT NULL,
    "lastLocalDate" DATE NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SentimentDigest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SentimentDigest_communityId_key" ON "SentimentDigest"("communityId");

-- CreateIndex
CREATE INDEX "SentimentDigest_enabled_lastLocalDate_idx" ON "SentimentDigest"("enabled", "lastLocalDate");

-- AddForeignKey
ALTER TABLE "SentimentDigest" ADD CONSTRAINT "SentimentDigest_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;
