// LiteSVM's transaction errors in the RPC's JSON shape ("BlockhashNotFound",
// {"InstructionError":[0,{"Custom":1}]}), so web3.js reports them as a cluster would.
import type { FailedTransactionMetadata } from "litesvm";

const TRANSACTION_ERRORS =
  "AccountInUse AccountLoadedTwice AccountNotFound ProgramAccountNotFound InsufficientFundsForFee InvalidAccountForFee AlreadyProcessed BlockhashNotFound CallChainTooDeep MissingSignatureForFee InvalidAccountIndex SignatureFailure InvalidProgramForExecution SanitizeFailure ClusterMaintenance AccountBorrowOutstanding WouldExceedMaxBlockCostLimit UnsupportedVersion InvalidWritableAccount WouldExceedMaxAccountCostLimit WouldExceedAccountDataBlockLimit TooManyAccountLocks AddressLookupTableNotFound InvalidAddressLookupTableOwner InvalidAddressLookupTableData InvalidAddressLookupTableIndex InvalidRentPayingAccount WouldExceedMaxVoteCostLimit WouldExceedAccountDataTotalLimit MaxLoadedAccountsDataSizeExceeded ResanitizationNeeded InvalidLoadedAccountsDataSizeLimit UnbalancedTransaction ProgramCacheHitMaxLimit CommitCancelled".split(
    " ",
  );

const INSTRUCTION_ERRORS =
  "GenericError InvalidArgument InvalidInstructionData InvalidAccountData AccountDataTooSmall InsufficientFunds IncorrectProgramId MissingRequiredSignature AccountAlreadyInitialized UninitializedAccount UnbalancedInstruction ModifiedProgramId ExternalAccountLamportSpend ExternalAccountDataModified ReadonlyLamportChange ReadonlyDataModified DuplicateAccountIndex ExecutableModified RentEpochModified NotEnoughAccountKeys AccountDataSizeChanged AccountNotExecutable AccountBorrowFailed AccountBorrowOutstanding DuplicateAccountOutOfSync InvalidError ExecutableDataModified ExecutableLamportChange ExecutableAccountNotRentExempt UnsupportedProgramId CallDepth MissingAccount ReentrancyNotAllowed MaxSeedLengthExceeded InvalidSeeds InvalidRealloc ComputationalBudgetExceeded PrivilegeEscalation ProgramEnvironmentSetupFailure ProgramFailedToComplete ProgramFailedToCompile Immutable IncorrectAuthority AccountNotRentExempt InvalidAccountOwner ArithmeticOverflow UnsupportedSysvar IllegalOwner MaxAccountsDataAllocationsExceeded MaxAccountsExceeded MaxInstructionTraceLengthExceeded BuiltinProgramsMustConsumeComputeUnits BorshIoError".split(
    " ",
  );

export function transactionErrorJson(failed: FailedTransactionMetadata): unknown {
  const error: unknown = failed.err();
  if (typeof error === "number") return TRANSACTION_ERRORS[error] ?? "UnknownError";
  const shaped = error as { index?: number; accountIndex?: number; err?: () => unknown };
  if (typeof shaped.err === "function") {
    const inner = shaped.err();
    let instruction: unknown;
    if (typeof inner === "number") instruction = INSTRUCTION_ERRORS[inner] ?? "GenericError";
    else if (typeof (inner as { code?: unknown }).code === "number")
      instruction = { Custom: (inner as { code: number }).code };
    else instruction = { BorshIoError: String((inner as { msg?: unknown }).msg ?? "") };
    return { InstructionError: [shaped.index ?? 0, instruction] };
  }
  if (typeof shaped.accountIndex === "number")
    return { InsufficientFundsForRent: { account_index: shaped.accountIndex } };
  if (typeof shaped.index === "number") return { DuplicateInstruction: shaped.index };
  return String(error);
}
