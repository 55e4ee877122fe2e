-- CreateTable
CREATE TABLE "TrackedToken" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "mint" TEXT,
    "aliases" TEXT[],
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TrackedToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChatterMessage" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "channelKey" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "mentions" TEXT[],
    "contentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "label" TEXT,
    "score" DOUBLE PRECISION,
    "confidence" DOUBLE PRECISION,
    "scorer" TEXT,
    "scoredAt" TIMESTAMP(3),

    CONSTRAINT "ChatterMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TrackedToken_communityId_symbol_key" ON "TrackedToken"("communityId", "symbol");

-- CreateIndex
CREATE UNIQUE INDEX "ChatterMessage_key_key" ON "ChatterMessage"("key");

-- CreateIndex
CREATE INDEX "ChatterMessage_communityId_scoredAt_createdAt_idx" ON "ChatterMessage"("communityId", "scoredAt", "createdAt");

-- CreateIndex
CREATE INDEX "ChatterMessage_communityId_createdAt_idx" ON "ChatterMessage"("communityId", "createdAt");

-- AddForeignKey
ALTER TABLE "TrackedToken" ADD CONSTRAINT "TrackedToken_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChatterMessage" ADD CONSTRAINT "ChatterMessage_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;
