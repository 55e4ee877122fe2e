-- CreateEnum
CREATE TYPE "SentimentAlertKind" AS ENUM ('sentiment', 'volume');

-- CreateEnum
CREATE TYPE "SentimentAlertState" AS ENUM ('armed', 'fired');

-- CreateTable
CREATE TABLE "SentimentAlert" (
    "id" SERIAL NOT NULL,
    "communityId" TEXT NOT NULL,
    "kind" "SentimentAlertKind" NOT NULL,
    "symbol" TEXT,
    "direction" TEXT,
    "threshold" DOUBLE PRECISION NOT NULL,
    "window" TEXT NOT NULL,
    "target" JSONB NOT NULL,
    "createdBy" TEXT NOT NULL,
    "state" "SentimentAlertState" NOT NULL DEFAULT 'armed',
    "crossings" INTEGER NOT NULL DEFAULT 0,
    "lastFiredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SentimentAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SentimentAlert_communityId_idx" ON "SentimentAlert"("communityId");

-- AddForeignKey
ALTER TABLE "SentimentAlert" ADD CONSTRAINT "SentimentAlert_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;
