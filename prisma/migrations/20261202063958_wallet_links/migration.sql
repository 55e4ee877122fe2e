-- CreateTable
CREATE TABLE "WalletLink" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "linkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WalletLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WalletLinkRequest" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "address" TEXT,
    "issuedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "WalletLinkRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WalletLinkAttempt" (
    "id" BIGSERIAL NOT NULL,
    "community" TEXT,
    "platform" "Platform",
    "memberId" TEXT,
    "address" TEXT,
    "outcome" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WalletLinkAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WalletLink_communityId_memberId_idx" ON "WalletLink"("communityId", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "WalletLink_communityId_address_key" ON "WalletLink"("communityId", "address");

-- CreateIndex
CREATE UNIQUE INDEX "WalletLinkRequest_tokenHash_key" ON "WalletLinkRequest"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "WalletLinkRequest_nonce_key" ON "WalletLinkRequest"("nonce");

-- CreateIndex
CREATE INDEX "WalletLinkRequest_communityId_memberId_issuedAt_idx" ON "WalletLinkRequest"("communityId", "memberId", "issuedAt");

-- CreateIndex
CREATE INDEX "WalletLinkRequest_expiresAt_idx" ON "WalletLinkRequest"("expiresAt");

-- CreateIndex
CREATE INDEX "WalletLinkAttempt_platform_memberId_createdAt_idx" ON "WalletLinkAttempt"("platform", "memberId", "createdAt");

-- AddForeignKey
ALTER TABLE "WalletLink" ADD CONSTRAINT "WalletLink_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WalletLinkRequest" ADD CONSTRAINT "WalletLinkRequest_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "Community"("id") ON DELETE CASCADE ON UPDATE CASCADE;
