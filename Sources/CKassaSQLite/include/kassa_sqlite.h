#ifndef KASSA_SQLITE_H
#define KASSA_SQLITE_H

/// Configures the process's SQLite before its first use: multi-thread mode (no mutex around each
/// call on a connection; every connection here is used by one thread at a time, through GRDB's
/// serialized access) and no memory statistics (no global mutex around each allocation).
/// `sqlite3_config` is variadic, so Swift cannot call it itself.
///
/// Returns 0 when both took effect, otherwise SQLite's result code: SQLITE_MISUSE (21) once
/// SQLite is already in use in this process, which leaves it as it was (serialized), correct
/// only slower.
int kassa_sqlite_tune(void);

#endif
