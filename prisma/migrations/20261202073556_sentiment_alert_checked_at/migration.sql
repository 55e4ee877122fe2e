-- AlterTable
ALTER TABLE "SentimentAlert" ADD COLUMN     "checkedAt" TIMESTAMP(3);
