using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Kuzzle.Realtime.Storage.Embedded;

/// <summary><see cref="IDocumentStore"/> over the tables documents and document_terms.</summary>
internal sealed class SqliteDocumentStore(SqliteDatabase database) : IDocumentStore
{
    public Task<StoredDocument?> GetAsync(string collection, string id, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateCollection(collection);
        StorageNames.ValidateId(id);
        return database.ReadAsync(
            async (connection, transaction, ct) =>
            {
                await using var command = SqliteDatabase.Command(
                    connection, transaction, "SELECT json, version FROM documents WHERE collection = $collection AND id = $id;");
                command.Parameters.AddWithValue("$collection", collection);
                command.Parameters.AddWithValue("$id", id);
                await using var reader = await command.ExecuteReaderAsync(ct);
                return await reader.ReadAsync(ct) ? new StoredDocument(id, reader.GetString(0), reader.GetInt64(1)) : null;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<StoredDocument>> GetManyAsync(
        string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateCollection(collection);
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in wanted)
        {
            StorageNames.ValidateId(id, nameof(ids));
        }

        if (wanted.Count == 0)
        {
            return [];
        }

        var found = await database.ReadAsync(
            async (connection, transaction, ct) =>
            {
                // The id list travels as one JSON array parameter, expanded by json_each: no SQL is built from input.
                await using var command = SqliteDatabase.Command(
                    connection,
                    transaction,
                    """
                    SELECT d.id, d.json, d.version FROM json_each($ids) AS wanted
                    JOIN documents AS d ON d.collection = $collection AND d.id = wanted.value;
                    """);
                command.Parameters.AddWithValue("$collection", collection);
                command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(wanted, StorageJsonContext.Default.ListString));
                var byId = new Dictionary<string, StoredDocument>(StringComparer.Ordinal);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var document = ReadDocument(reader);
                    byId[document.Id] = document;
                }

                return byId;
            },
            cancellationToken);

        return [.. wanted.Where(found.ContainsKey).Select(id => found[id])];
    }

    public Task<long> CountAsync(string collection, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateCollection(collection);
        return database.ReadAsync(
            (connection, transaction, ct) => CountAsync(
                connection, transaction, "SELECT COUNT(*) FROM documents WHERE collection = $collection;", collection, null, null, ct),
            cancellationToken);
    }

    public Task<DocumentPage> ListAsync(string collection, int from, int size, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateCollection(collection);
        StorageNames.ValidatePage(from, size);
        return database.ReadAsync(
            async (connection, transaction, ct) =>
            {
                var total = await CountAsync(
                    connection, transaction, "SELECT COUNT(*) FROM documents WHERE collection = $collection;", collection, null, null, ct);
                await using var command = SqliteDatabase.Command(
                    connection,
                    transaction,
                    "SELECT id, json, version FROM documents WHERE collection = $collection ORDER BY id LIMIT $size OFFSET $from;");
                command.Parameters.AddWithValue("$collection", collection);
                return new DocumentPage(total, await ReadPageAsync(command, from, size, ct));
            },
            cancellationToken);
    }

    public Task<DocumentPage> FindByTermAsync(
        string collection, string field, string value, int from, int size, CancellationToken cancellationToken = default)
    {
        ValidateTerm(collection, field, value);
        StorageNames.ValidatePage(from, size);
        return database.ReadAsync(
            async (connection, transaction, ct) =>
            {
                var total = await CountAsync(connection, transaction, CountByTermSql, collection, field, value, ct);
                await using var command = SqliteDatabase.Command(
                    connection,
                    transaction,
                    """
                    SELECT d.id, d.json, d.version FROM document_terms AS t
                    JOIN documents AS d ON d.collection = t.collection AND d.id = t.id
                    WHERE t.collection = $collection AND t.field = $field AND t.value = $value
                    ORDER BY t.id LIMIT $size OFFSET $from;
                    """);
                command.Parameters.AddWithValue("$collection", collection);
                command.Parameters.AddWithValue("$field", field);
                command.Parameters.AddWithValue("$value", value);
                return new DocumentPage(total, await ReadPageAsync(command, from, size, ct));
            },
            cancellationToken);
    }

    public Task<long> CountByTermAsync(string collection, string field, string value, CancellationToken cancellationToken = default)
    {
        ValidateTerm(collection, field, value);
        return database.ReadAsync(
            (connection, transaction, ct) => CountAsync(connection, transaction, CountByTermSql, collection, field, value, ct),
            cancellationToken);
    }

    public Task<IReadOnlyList<WriteResult>> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var operations = batch.Operations.ToArray();
        if (operations.Length == 0)
        {
            return Task.FromResult<IReadOnlyList<WriteResult>>([]);
        }

        return database.WriteAsync<IReadOnlyList<WriteResult>>(
            async (connection, transaction, ct) =>
            {
                // A failed condition throws out of WriteAsync before the commit, which rolls every earlier operation back.
                var results = new WriteResult[operations.Length];
                for (var i = 0; i < operations.Length; i++)
                {
                    results[i] = await ApplyAsync(connection, transaction, operations[i], ct);
                }

                return results;
            },
            cancellationToken);
    }

    private const string CountByTermSql =
        "SELECT COUNT(*) FROM document_terms WHERE collection = $collection AND field = $field AND value = $value;";

    private static void ValidateTerm(string collection, string field, string value)
    {
        StorageNames.ValidateCollection(collection);
        StorageNames.ValidateField(field);
        ArgumentNullException.ThrowIfNull(value);
    }

    private static async Task<WriteResult> ApplyAsync(
        SqliteConnection connection, SqliteTransaction transaction, WriteOperation operation, CancellationToken cancellationToken)
    {
        var current = await ReadVersionAsync(connection, transaction, operation, cancellationToken);
        WriteConditions.Check(operation, current);

        if (current > 0)
        {
            await using var dropTerms = SqliteDatabase.Command(
                connection, transaction, "DELETE FROM document_terms WHERE collection = $collection AND id = $id;");
            AddKey(dropTerms, operation);
            await dropTerms.ExecuteNonQueryAsync(cancellationToken);
        }

        if (operation.Kind == WriteKind.Delete)
        {
            if (current > 0)
            {
                await using var delete = SqliteDatabase.Command(
                    connection, transaction, "DELETE FROM documents WHERE collection = $collection AND id = $id;");
                AddKey(delete, operation);
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            return new WriteResult(operation.Kind, operation.Collection, operation.Id, current);
        }

        var version = current + 1;
        await using (var upsert = SqliteDatabase.Command(
            connection,
            transaction,
            """
            INSERT INTO documents (collection, id, json, version) VALUES ($collection, $id, $json, $version)
            ON CONFLICT (collection, id) DO UPDATE SET json = excluded.json, version = excluded.version;
            """))
        {
            AddKey(upsert, operation);
            upsert.Parameters.AddWithValue("$json", operation.Json);
            upsert.Parameters.AddWithValue("$version", version);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (operation.Terms.Count > 0)
        {
            await using var insertTerm = SqliteDatabase.Command(
                connection,
                transaction,
                "INSERT INTO document_terms (collection, field, value, id) VALUES ($collection, $field, $value, $id);");
            AddKey(insertTerm, operation);
            var field = insertTerm.Parameters.Add("$field", SqliteType.Text);
            var value = insertTerm.Parameters.Add("$value", SqliteType.Text);
            foreach (var term in operation.Terms)
            {
                field.Value = term.Field;
                value.Value = term.Value;
                await insertTerm.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return new WriteResult(operation.Kind, operation.Collection, operation.Id, version);
    }

    private static async Task<long> ReadVersionAsync(
        SqliteConnection connection, SqliteTransaction transaction, WriteOperation operation, CancellationToken cancellationToken)
    {
        await using var command = SqliteDatabase.Command(
            connection, transaction, "SELECT version FROM documents WHERE collection = $collection AND id = $id;");
        AddKey(command, operation);
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : 0;
    }

    private static void AddKey(SqliteCommand command, WriteOperation operation)
    {
        command.Parameters.AddWithValue("$collection", operation.Collection);
        command.Parameters.AddWithValue("$id", operation.Id);
    }

    private static async Task<long> CountAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string sql,
        string collection,
        string? field,
        string? value,
        CancellationToken cancellationToken)
    {
        await using var command = SqliteDatabase.Command(connection, transaction, sql);
        command.Parameters.AddWithValue("$collection", collection);
        if (field is not null)
        {
            command.Parameters.AddWithValue("$field", field);
            command.Parameters.AddWithValue("$value", value);
        }

        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<IReadOnlyList<StoredDocument>> ReadPageAsync(SqliteCommand command, int from, int size, CancellationToken cancellationToken)
    {
        if (size == 0)
        {
            return [];
        }

        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$size", size);
        var items = new List<StoredDocument>(Math.Min(size, 256));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(ReadDocument(reader));
        }

        return items;
    }

    private static StoredDocument ReadDocument(SqliteDataReader reader) => new(reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
}
