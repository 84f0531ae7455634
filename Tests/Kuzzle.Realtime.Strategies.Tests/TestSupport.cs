using System.Text.Json;
using Kuzzle.Realtime.Strategies;
using Kuzzle.Realtime.Strategies.Local;
using Kuzzle.Realtime.Strategies.Local.Hashing;

namespace Kuzzle.Realtime.Strategies.Tests;

/// <summary>Builds strategies on an in-memory store with cheap argon2 parameters (the cost is not what these tests check).</summary>
internal static class TestSupport
{
    public static readonly Argon2idParameters Cheap = new(64, 1, 1);

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static JsonElement Credentials(string? username, string? password)
    {
        var body = new Dictionary<string, string>();
        if (username is not null)
        {
            body["username"] = username;
        }

        if (password is not null)
        {
            body["password"] = password;
        }

        return JsonSerializer.SerializeToElement(body);
    }

    public static StrategyLoginRequest Login(string username, string password) => StrategyLoginRequest.FromBody(Credentials(username, password));

    public static StrategyCallContext Security(string caller = "admin") => StrategyCallContext.For("security", caller);

    public static StrategyCallContext Auth(string caller, string? currentPassword = null) =>
        new("auth", caller, currentPassword is null ? default : Json($$"""{"currentPassword":{{JsonSerializer.Serialize(currentPassword)}}}"""), new Dictionary<string, JsonElement>());

    public static async Task<LocalStrategy> CreateAsync(
        InMemoryCredentialStore store,
        LocalStrategyOptions? options = null,
        TimeProvider? time = null,
        IStrategyUserDirectory? users = null,
        IPasswordHasher? hasher = null)
    {
        var context = new StrategyContext("local", default, store, time ?? TimeProvider.System) { Users = users };
        return await LocalStrategy.CreateAsync(context, options ?? LocalStrategyOptions.Default, hasher ?? new Argon2idSodiumHasher(Cheap));
    }

    /// <summary>Creates credentials the way the host does: validate, then create.</summary>
    public static async Task AddUserAsync(LocalStrategy strategy, string kuid, string username, string password, string caller = "admin")
    {
        var credentials = Credentials(username, password);
        await strategy.ValidateAsync(Security(caller), credentials, kuid, isUpdate: false);
        await strategy.CreateAsync(Security(caller), credentials, kuid);
    }

    public static async Task<StrategyException> ThrowsStrategyAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (StrategyException e)
        {
            return e;
        }

        Assert.Fail("expected a StrategyException");
        throw new InvalidOperationException("unreachable");
    }
}

/// <summary>Counts calls, to check that an unknown user still costs a hash.</summary>
internal sealed class CountingHasher(IPasswordHasher inner) : IPasswordHasher
{
    private int _verifies;
    private int _hashes;

    public int Verifies => Volatile.Read(ref _verifies);

    public int Hashes => Volatile.Read(ref _hashes);

    public string Name => inner.Name;

    public Argon2idParameters Parameters => inner.Parameters;

    public string Hash(string password)
    {
        Interlocked.Increment(ref _hashes);
        return inner.Hash(password);
    }

    public bool Verify(string password, string encoded)
    {
        Interlocked.Increment(ref _verifies);
        return inner.Verify(password, encoded);
    }

    public bool NeedsRehash(string encoded) => inner.NeedsRehash(encoded);

    public void DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2idParameters parameters, Span<byte> output) =>
        inner.DeriveKey(password, salt, parameters, output);
}
