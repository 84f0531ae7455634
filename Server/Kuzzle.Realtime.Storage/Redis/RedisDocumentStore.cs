using StackExchange.Redis;

namespace Kuzzle.Realtime.Storage.Redis;

/// <summary>
/// <see cref="IDocumentStore"/> on Redis: a hash per document, a sorted set of ids per collection and per term. Every write is one
/// Lua script, so its checks and effects are atomic.
/// </summary>
internal sealed class RedisDocumentStore(IDatabase database, RedisKeys keys, RedisExecutor executor) : IDocumentStore
{
    // KEYS: per operation i (1-based) the document hash at 2i-1 and the collection's id set at 2i.
    // ARGV: [1] operation count, then per operation: kind ('c'|'r'|'d'), id, expected version ('' = none), json, term count, term keys.
    // Reply: {0, version...} on success; {1, i} exists; {2, i} not found; {3, i, actual} conflict (i = failing operation).
    // WARNING: every condition is checked before the first effect; a failing batch must return before touching any key.
    private const string WriteScript = """
        local n = tonumber(ARGV[1])
        local ops = {}
        local a = 2
        for i = 1, n do
          local op = { kind = ARGV[a], id = ARGV[a + 1], expected = ARGV[a + 2], json = ARGV[a + 3],
                       doc = KEYS[2 * i - 1], ids = KEYS[2 * i], terms = {} }
          local termCount = tonumber(ARGV[a + 4])
          for t = 1, termCount do op.terms[t] = ARGV[a + 4 + t] end
          a = a + 5 + termCount
          local current = redis.call('HGET', op.doc, 'v')
          op.current = current and tonumber(current) or 0
          if op.kind == 'c' then
            if op.current > 0 then return {1, i} end
          elseif op.expected ~= '' then
            if op.current == 0 then return {2, i} end
            if op.current ~= tonumber(op.expected) then return {3, i, op.current} end
          end
          ops[i] = op
        end
        local reply = {0}
        for i = 1, n do
          local op = ops[i]
          if op.current > 0 then
            local old = redis.call('HGET', op.doc, 't')
            if old then
              for _, termKey in ipairs(cjson.decode(old)) do redis.call('ZREM', termKey, op.id) end
            end
          end
          if op.kind == 'd' then
            if op.current > 0 then
              redis.call('DEL', op.doc)
              redis.call('ZREM', op.ids, op.id)
            end
            reply[i + 1] = op.current
          else
            local version = op.current + 1
            local termsJson = '[]'
            if #op.terms > 0 then termsJson = cjson.encode(op.terms) end
            redis.call('HSET', op.doc, 'j', op.json, 'v', version, 't', termsJson)
            redis.call('ZADD', op.ids, 0, op.id)
            for _, termKey in ipairs(op.terms) do redis.call('ZADD', termKey, 0, op.id) end
            reply[i + 1] = version
          end
        end
        return reply
        """;

    // KEYS[1]: a sorted set of ids. ARGV: from, size, document key prefix. Reply: {total, id, json, version, id, json, version...}.
    // One script so the total and the page come from the same moment.
    private const string PageScript = """
        local total = redis.call('ZCARD', KEYS[1])
        local reply = {total}
        local size = tonumber(ARGV[2])
        if size > 0 then
          local from = tonumber(ARGV[1])
          for _, id in ipairs(redis.call('ZRANGE', KEYS[1], from, from + size - 1)) do
            local doc = redis.call('HMGET', ARGV[3] .. id, 'j', 'v')
            if doc[1] then
              reply[#reply + 1] = id
              reply[#reply + 1] = doc[1]
              reply[#reply + 1] = doc[2]
            end
          end
        end
        return reply
        """;

    // KEYS: document hashes. Reply: {json, version, ...} with false for a missing document.
    private const string GetManyScript = """
        local reply = {}
        for i, key in ipairs(KEYS) do
          local doc = redis.call('HMGET', key, 'j', 'v')
          reply[2 * i - 1] = doc[1]
          reply[2 * i] = doc[2]
        end
        return reply
        """;

    private static readonly RedisValue[] DocumentFields = ["j", "v"];

    public Task<StoredDocument?> GetAsync(string collection, string id, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateCollection(collection);
        StorageNames.ValidateId(id);
        return executor.RunAsync(
            async () =>
            {
                var fields = await database.HashGetAsync(keys.Document(collection, id), DocumentFields);
                return fields[0].IsNull ? null : new StoredDocument(id, fields[0]!, (long)fields[1]);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<StoredDocument>> GetManyAsync(
        string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateCollection(collection);
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.Distinct(StringComparer.Ordinal).ToArray();
        foreach (var id in wanted)
        {
            StorageNames.ValidateId(id, nameof(ids));
        }

        if (wanted.Length == 0)
        {
            return [];
        }

        var documentKeys = wanted.Select(id => keys.Document(collection, id)).ToArray();
        var reply = (RedisResult[])(await executor.RunAsync(() => database.ScriptEvaluateAsync(GetManyScript, documentKeys), cancellationToken))!;
        var found = new List<StoredDocument>(wanted.Length);
        for (var i = 0; i < wanted.Length; i++)
        {
            if (!reply[2 * i].IsNull)
            {
                found.Add(new StoredDocument(wanted[i], (string)reply[2 * i]!, (long)reply[(2 * i) + 1]));
            }
        }

        return found;
    }

    public Task<long> CountAsync(string collection, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateCollection(collection);
        return executor.RunAsync(() => database.SortedSetLengthAsync(keys.Ids(collection)), cancellationToken);
    }

    public Task<DocumentPage> ListAsync(string collection, int from, int size, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateCollection(collection);
        StorageNames.ValidatePage(from, size);
        return ReadPageAsync(keys.Ids(collection), collection, from, size, cancellationToken);
    }

    public Task<DocumentPage> FindByTermAsync(
        string collection, string field, string value, int from, int size, CancellationToken cancellationToken = default)
    {
        ValidateTerm(collection, field, value);
        StorageNames.ValidatePage(from, size);
        return ReadPageAsync(keys.Term(collection, field, value), collection, from, size, cancellationToken);
    }

    public Task<long> CountByTermAsync(string collection, string field, string value, CancellationToken cancellationToken = default)
    {
        ValidateTerm(collection, field, value);
        return executor.RunAsync(() => database.SortedSetLengthAsync(keys.Term(collection, field, value)), cancellationToken);
    }

    public async Task<IReadOnlyList<WriteResult>> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var operations = batch.Operations.ToArray();
        if (operations.Length == 0)
        {
            return [];
        }

        var scriptKeys = new RedisKey[operations.Length * 2];
        var arguments = new List<RedisValue>(1 + (operations.Length * 6)) { operations.Length };
        for (var i = 0; i < operations.Length; i++)
        {
            var operation = operations[i];
            scriptKeys[2 * i] = keys.Document(operation.Collection, operation.Id);
            scriptKeys[(2 * i) + 1] = keys.Ids(operation.Collection);
            arguments.Add(operation.Kind switch
            {
                WriteKind.Create => "c",
                WriteKind.Replace => "r",
                _ => "d",
            });
            arguments.Add(operation.Id);
            arguments.Add(operation.ExpectedVersion is { } expected ? expected : RedisValue.EmptyString);
            arguments.Add(operation.Json ?? string.Empty);
            arguments.Add(operation.Terms.Count);
            foreach (var term in operation.Terms)
            {
                arguments.Add(keys.Term(operation.Collection, term.Field, term.Value));
            }
        }

        var reply = (RedisResult[])(await executor.RunAsync(
            () => database.ScriptEvaluateAsync(WriteScript, scriptKeys, [.. arguments]), cancellationToken))!;
        var status = (int)reply[0];
        if (status != 0)
        {
            var failed = operations[(int)reply[1] - 1];
            throw status switch
            {
                1 => new DocumentExistsException(failed.Collection, failed.Id),
                2 => new DocumentNotFoundException(failed.Collection, failed.Id),
                3 => new VersionConflictException(failed.Collection, failed.Id, failed.ExpectedVersion ?? 0, (long)reply[2]),
                _ => new InvalidOperationException($"The write script replied with unknown status {status}."),
            };
        }

        var results = new WriteResult[operations.Length];
        for (var i = 0; i < operations.Length; i++)
        {
            results[i] = new WriteResult(operations[i].Kind, operations[i].Collection, operations[i].Id, (long)reply[i + 1]);
        }

        return results;
    }

    private async Task<DocumentPage> ReadPageAsync(RedisKey idSet, string collection, int from, int size, CancellationToken cancellationToken)
    {
        var reply = (RedisResult[])(await executor.RunAsync(
            () => database.ScriptEvaluateAsync(PageScript, [idSet], [from, size, keys.DocumentPrefix(collection)]), cancellationToken))!;
        var items = new List<StoredDocument>((reply.Length - 1) / 3);
        for (var i = 1; i + 2 < reply.Length; i += 3)
        {
            items.Add(new StoredDocument((string)reply[i]!, (string)reply[i + 1]!, (long)reply[i + 2]));
        }

        return new DocumentPage((long)reply[0], items);
    }

    private static void ValidateTerm(string collection, string field, string value)
    {
        StorageNames.ValidateCollection(collection);
        StorageNames.ValidateField(field);
        ArgumentNullException.ThrowIfNull(value);
    }
}
