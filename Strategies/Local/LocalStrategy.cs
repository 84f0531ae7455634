using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kuzzle.Realtime.Strategies.Local.Hashing;

namespace Kuzzle.Realtime.Strategies.Local;

/// <summary>
/// The <c>local</c> strategy (username + password), compatible with kuzzle-plugin-auth-passport-local 6.4.1 on the wire
/// (auth.md §5): same credential rules, messages, statuses and outputs; passwords hashed with argon2id instead of PBKDF2;
/// Kuzzle's own hashes still verify and are replaced by argon2id at the next successful login.
/// </summary>
/// <remarks>
/// Storage (through <see cref="IStrategyCredentialStore"/>): collection <c>users</c>, one document per username (the id),
/// found by <c>kuid</c>; collection <c>config</c>, document <c>resetTokenSecret</c>. Every hash runs through a
/// <see cref="HashingGate"/>. No method returns or logs a password, hash or salt.
/// This file: construction and login; <c>LocalStrategy.Credentials.cs</c>: credential methods; <c>LocalStrategy.Policies.cs</c>:
/// password policies and reset tokens.
/// </remarks>
public sealed partial class LocalStrategy : IAuthenticationStrategy, IDisposable
{
    /// <summary>The collection of credential documents.</summary>
    public const string UsersCollection = "users";

    /// <summary>The collection of the strategy's own settings (reset-token secret).</summary>
    public const string ConfigCollection = "config";

    /// <summary>The id of the reset-token secret document.</summary>
    public const string ResetSecretId = "resetTokenSecret";

    private static readonly string[] CredentialFields = ["username", "password"];

    private readonly LocalStrategyOptions _options;
    private readonly IStrategyCredentialStore _store;
    private readonly TimeProvider _time;
    private readonly IStrategyUserDirectory? _users;
    private readonly Action<StrategyLogLevel, string>? _log;
    private readonly IPasswordHasher _hasher;
    private readonly HashingGate _gate;
    private readonly string _dummyHash;
    private readonly ResetTokens _resetTokens;

    private LocalStrategy(string name, LocalStrategyOptions options, StrategyContext context, IPasswordHasher hasher, HashingGate gate, string dummyHash, byte[] resetKey)
    {
        Name = name;
        _options = options;
        _store = context.Store;
        _time = context.Time;
        _users = context.Users;
        _log = context.Log;
        _hasher = hasher;
        _gate = gate;
        _dummyHash = dummyHash;
        _resetTokens = new ResetTokens(resetKey, options.ResetPasswordExpiresIn, context.Time);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Fields => CredentialFields;

    /// <inheritdoc />
    public StrategyFeatures Features => StrategyFeatures.GetInfo | StrategyFeatures.GetById;

    /// <summary>The hasher writing new passwords (<c>sodium</c> or <c>managed</c>).</summary>
    public IPasswordHasher Hasher => _hasher;

    /// <summary>The gate bounding concurrent hashes.</summary>
    public HashingGate Gate => _gate;

    /// <summary>
    /// Builds the strategy: picks the hasher, creates or reads the reset-token secret, computes the dummy hash used for
    /// unknown users.
    /// </summary>
    /// <param name="context">Name, store, clock, optional user directory and log.</param>
    /// <param name="options">Settings; null = <see cref="LocalStrategyOptions.Parse"/> of <see cref="StrategyContext.Configuration"/>.</param>
    /// <param name="hasher">A hasher to use instead of the one <paramref name="options"/> names (tests, benchmarks).</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <exception cref="StrategyConfigurationException">Invalid configuration.</exception>
    public static async ValueTask<LocalStrategy> CreateAsync(
        StrategyContext context,
        LocalStrategyOptions? options = null,
        IPasswordHasher? hasher = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        options ??= LocalStrategyOptions.Parse(context.Configuration);
        hasher ??= CreateHasher(options, context.Log);
        var secret = await LoadResetSecretAsync(context.Store, cancellationToken);
        var gate = new HashingGate(options.HashingConcurrency);
        try
        {
            var dummy = await gate.RunAsync(hasher, h => h.Hash(Convert.ToHexString(RandomNumberGenerator.GetBytes(16))), cancellationToken);
            context.Log?.Invoke(StrategyLogLevel.Information, $"local strategy \"{context.Name}\": argon2id via {hasher.Name}, m={hasher.Parameters.MemoryKiB} KiB, t={hasher.Parameters.Iterations}, p={hasher.Parameters.Parallelism}, {gate.MaxConcurrency} concurrent hashes");
            return new LocalStrategy(context.Name, options, context, hasher, gate, dummy, System.Text.Encoding.UTF8.GetBytes(secret));
        }
        catch
        {
            gate.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<StrategyVerifyResult> VerifyAsync(StrategyLoginRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // passport-local reads each field from the body, then from the query (the request arguments).
        var username = LoginField(request, "username");
        var password = LoginField(request, "password");
        if (username is null || password is null)
        {
            return StrategyVerifyResult.Failure(LocalErrors.MissingCredentials);
        }

        var found = await _store.GetAsync(UsersCollection, username, cancellationToken);
        var document = found is null ? null : LocalCredentialDocument.Read(found.Source);

        // WARNING: an unknown user costs one hash too (of a dummy), so the answer and its timing do not reveal usernames.
        var matches = await VerifyPasswordAsync(password, document, cancellationToken);
        if (!matches || document is null || found is null)
        {
            return StrategyVerifyResult.Failure(LocalErrors.WrongCredentials);
        }

        var kuid = document.Kuid;
        var policies = await PoliciesForAsync(kuid, cancellationToken);
        if (policies.Count > 0)
        {
            if (IsPasswordExpired(document, policies.Applicable))
            {
                throw LocalErrors.ExpiredPassword(_resetTokens.Create(kuid, ResetStamp(document)));
            }

            if (MustChangePassword(document, policies))
            {
                throw LocalErrors.MustChangePassword(_resetTokens.Create(kuid, ResetStamp(document)));
            }
        }

        if (NeedsRehash(document))
        {
            await RehashAsync(found, document, password, cancellationToken);
        }

        return StrategyVerifyResult.Success(kuid);
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private static IPasswordHasher CreateHasher(LocalStrategyOptions options, Action<StrategyLogLevel, string>? log)
    {
        try
        {
            var hasher = PasswordHashers.Create(options.Hasher, options.Argon2);
            if (options.Hasher == "auto" && hasher is Argon2idManagedHasher)
            {
                log?.Invoke(StrategyLogLevel.Warning, Argon2idSodiumHasher.IsSupported
                    ? "local strategy: libsodium needs p=1 and a 16-byte salt; using the managed argon2id implementation"
                    : "local strategy: libsodium could not be loaded; using the managed argon2id implementation (slower)");
            }

            return hasher;
        }
        catch (Exception e) when (e is ArgumentException or PlatformNotSupportedException)
        {
            throw new StrategyConfigurationException($"local strategy: cannot use the \"{options.Hasher}\" password hasher: {e.Message}", e);
        }
    }

    private static async ValueTask<string> LoadResetSecretAsync(IStrategyCredentialStore store, CancellationToken cancellationToken)
    {
        // Generated once, like the plugin's (512 random bytes as hex), and shared by every node through the store.
        var existing = await store.GetAsync(ConfigCollection, ResetSecretId, cancellationToken);
        if (existing is null)
        {
            var created = new ResetSecretDocument { Secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(512)) };
            try
            {
                await store.PutAsync(ConfigCollection, ResetSecretId, JsonSerializer.SerializeToElement(created, LocalJsonContext.Default.ResetSecretDocument), StrategyDocument.Absent, cancellationToken);
                return created.Secret;
            }
            catch (StrategyStoreConflictException)
            {
                existing = await store.GetAsync(ConfigCollection, ResetSecretId, cancellationToken);
            }
        }

        var secret = existing?.Source.Deserialize(LocalJsonContext.Default.ResetSecretDocument)?.Secret;
        return string.IsNullOrEmpty(secret)
            ? throw new StrategyConfigurationException("local strategy: the stored reset-token secret is empty")
            : secret;
    }

    private static string? LoginField(StrategyLoginRequest request, string name)
    {
        if (request.Body.ValueKind == JsonValueKind.Object && request.Body.TryGetProperty(name, out var fromBody)
            && fromBody.ValueKind == JsonValueKind.String && fromBody.GetString()!.Length > 0)
        {
            return fromBody.GetString();
        }

        return request.Arguments.TryGetValue(name, out var fromQuery) && fromQuery.ValueKind == JsonValueKind.String && fromQuery.GetString()!.Length > 0
            ? fromQuery.GetString()
            : null;
    }

    private bool NeedsRehash(LocalCredentialDocument document) =>
        document.Hash is null || _hasher.NeedsRehash(document.Hash);

    /// <summary>Verifies a password against a stored one, or against the dummy hash when there is none.</summary>
    private ValueTask<bool> VerifyPasswordAsync(string password, StoredPassword? stored, CancellationToken cancellationToken) =>
        _gate.RunAsync((this, password, stored), static s => s.Item1.VerifyStored(s.password, s.stored), cancellationToken);

    private bool VerifyStored(string password, StoredPassword? stored)
    {
        if (stored?.Hash is { } phc)
        {
            return _hasher.Verify(password, phc);
        }

        if (stored?.UserPassword is { } legacy)
        {
            return LegacyKuzzleHash.Verify(
                password,
                legacy,
                stored.UserSalt ?? "",
                stored.Algorithm ?? _options.LegacyAlgorithm,
                stored.Stretching ?? false,
                stored.Encryption ?? "hmac",
                _options.LegacyDigest);
        }

        _ = _hasher.Verify(password, _dummyHash);
        return false;
    }

    private ValueTask<string> HashAsync(string password, CancellationToken cancellationToken) =>
        _gate.RunAsync((_hasher, password), static s => s._hasher.Hash(s.password), cancellationToken);

    private async ValueTask RehashAsync(StrategyDocument found, LocalCredentialDocument document, string password, CancellationToken cancellationToken)
    {
        // Silent migration (legacy hash or changed argon2 parameters): the password, its date, its setter and the
        // history stay as they are; only the encoding changes. A lost race or a storage error only delays it.
        try
        {
            document.SetArgon2(await HashAsync(password, cancellationToken));
            await _store.PutAsync(UsersCollection, found.Id, document.Write(), found.Version, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log?.Invoke(StrategyLogLevel.Warning, $"local strategy: could not re-hash the password of user \"{document.Kuid}\": {e.GetType().Name}");
        }
    }

    private static JsonObject Output(string username, string kuid) => new() { ["username"] = username, ["kuid"] = kuid };
}
