using Microsoft.Data.Sqlite;

namespace Kuzzle.Realtime.Storage.Embedded;

/// <summary>Schema migrations, numbered by SQLite's user_version.</summary>
internal static class SqliteSchema
{
    // WARNING: append only. Migration i (0-based) brings user_version from i to i + 1; never edit a shipped step.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE documents (
            collection TEXT NOT NULL,
            id TEXT NOT NULL,
            json TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (collection, id)
        ) WITHOUT ROWID;
        CREATE TABLE document_terms (
            collection TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            id TEXT NOT NULL,
            PRIMARY KEY (collection, field, value, id)
        ) WITHOUT ROWID;
        CREATE INDEX document_terms_by_document ON document_terms (collection, id);
        CREATE TABLE sessions (
            token_id TEXT NOT NULL PRIMARY KEY,
            user_id TEXT NOT NULL,
            expires_at INTEGER NULL,
            json TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX sessions_by_user ON sessions (user_id);
        CREATE INDEX sessions_by_expiry ON sessions (expires_at) WHERE expires_at IS NOT NULL;
        """,
    ];

    public static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var version = await ReadVersionAsync(connection, cancellationToken);
        if (version > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The database schema is version {version}, newer than this build understands ({Migrations.Length}).");
        }

        for (var step = (int)version; step < Migrations.Length; step++)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;

                // user_version cannot be a parameter; the value is our own step number, not input.
                command.CommandText = Migrations[step] + $"\nPRAGMA user_version = {step + 1};";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    public static async Task<long> ReadVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
