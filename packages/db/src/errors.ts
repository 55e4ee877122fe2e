// Failures of the database itself (unreachable, a migration that does not
// apply): typed so callers can tell them from bugs and print a clear message.

export class DatabaseUnavailableError extends Error {
  override readonly name: string = "DatabaseUnavailableError";
}

export class MigrationError extends Error {
  override readonly name: string = "MigrationError";
}

/** Another process held the migration lock for longer than we were willing to wait. */
export class MigrationLockTimeoutError extends MigrationError {
  override readonly name: string = "MigrationLockTimeoutError";
}
