// LocalStrategy: the credential methods (exists, validate, create, update, delete, getInfo, getById) and requirePassword.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Strategies.Local;

public sealed partial class LocalStrategy
{
    /// <inheritdoc />
    public async ValueTask<bool> ExistsAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) =>
        await FindByKuidAsync(kuid, cancellationToken) is not null;

    /// <inheritdoc />
    public async ValueTask ValidateAsync(StrategyCallContext context, JsonElement credentials, string kuid, bool isUpdate, CancellationToken cancellationToken = default)
    {
        if (Truthy(credentials, "kuid"))
        {
            throw LocalErrors.KuidInCredentials();
        }

        // requirePassword: the current password is checked before anything compares the candidate with stored passwords (the
        // reuse policy would otherwise tell a session thief whether a guess is the current password).
        var current = isUpdate ? await FindByKuidAsync(kuid, cancellationToken) : null;
        if (isUpdate)
        {
            await RequirePasswordAsync(context, current, cancellationToken);
        }

        var username = Text(credentials, "username");
        var password = Text(credentials, "password");
        if (username is not null)
        {
            var owner = await _store.GetAsync(UsersCollection, username, cancellationToken);
            if (owner is not null && LocalCredentialDocument.Read(owner.Source).Kuid != kuid)
            {
                throw LocalErrors.LoginUsed(username);
            }
        }

        if (isUpdate)
        {
            if (username is null && password is null)
            {
                throw LocalErrors.MissingUsernameOrPassword();
            }

            await ValidatePoliciesAsync(kuid, username, password, current, cancellationToken);
            return;
        }

        if (username is null)
        {
            throw LocalErrors.UsernameRequired();
        }

        if (password is null)
        {
            // An imported Kuzzle hash: the password is unknown here, so the policies on its text cannot be checked.
            _ = ImportedHash(context, credentials) ?? throw LocalErrors.PasswordRequired();
            return;
        }

        await ValidatePoliciesAsync(kuid, username, password, null, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<JsonObject> CreateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var password = Text(credentials, "password");
        var imported = password is null ? ImportedHash(context, credentials) ?? throw LocalErrors.PasswordNeeded() : null;
        var username = Text(credentials, "username") ?? throw LocalErrors.UsernameRequired();
        if (await FindByKuidAsync(kuid, cancellationToken) is not null)
        {
            throw LocalErrors.AlreadyExists(kuid);
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var document = new LocalCredentialDocument
        {
            Kuid = kuid,
            // An imported password was the user's own in Kuzzle, not one an administrator set (mustChangePasswordIfSetByAdmin).
            Updater = imported is null ? context.CallerKuid : kuid,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (imported is null)
        {
            document.SetArgon2(await HashAsync(password!, cancellationToken));
        }
        else
        {
            // Kept as Kuzzle stored it: verified at the next login, then replaced by argon2id.
            document.UserPassword = imported.UserPassword;
            document.UserSalt = imported.UserSalt;
            document.Algorithm = imported.Algorithm;
            document.Stretching = imported.Stretching;
            document.Encryption = imported.Encryption;
        }

        try
        {
            await _store.PutAsync(UsersCollection, username, document.Write(), StrategyDocument.Absent, cancellationToken);
        }
        catch (StrategyStoreConflictException)
        {
            throw LocalErrors.LoginUsed(username);
        }

        return Output(username, kuid);
    }

    /// <inheritdoc />
    public async ValueTask<JsonObject> UpdateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Truthy(credentials, "kuid"))
        {
            throw LocalErrors.KuidInUpdate();
        }

        var found = await FindByKuidAsync(kuid, cancellationToken);
        // The current-password check comes first so that this route cannot tell whether a user has credentials.
        await RequirePasswordAsync(context, found, cancellationToken);
        if (found is null)
        {
            throw LocalErrors.NoCredentials(kuid);
        }

        return await UpdateCoreAsync(found, Text(credentials, "username"), Text(credentials, "password"), context.CallerKuid, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DeleteAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var found = await FindByKuidAsync(kuid, cancellationToken);
        await RequirePasswordAsync(context, found, cancellationToken);
        if (found is null)
        {
            throw LocalErrors.NoCredentials(kuid);
        }

        await _store.DeleteAsync(UsersCollection, found.Id, found.Version, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<JsonObject> GetInfoAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default)
    {
        var found = await FindByKuidAsync(kuid, cancellationToken) ?? throw LocalErrors.NoCredentials(kuid);
        return Output(found.Id, LocalCredentialDocument.Read(found.Source).Kuid);
    }

    /// <inheritdoc />
    public async ValueTask<JsonObject> GetByIdAsync(StrategyCallContext context, string strategyUserId, CancellationToken cancellationToken = default)
    {
        var found = await _store.GetAsync(UsersCollection, strategyUserId, cancellationToken) ?? throw LocalErrors.NoCredentialsForUsername(strategyUserId);
        return Output(found.Id, LocalCredentialDocument.Read(found.Source).Kuid);
    }

    private async ValueTask<JsonObject> UpdateCoreAsync(StrategyDocument found, string? username, string? password, string? updater, CancellationToken cancellationToken)
    {
        var document = LocalCredentialDocument.Read(found.Source);
        if (password is not null)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var retention = (await PoliciesForAsync(document.Kuid, cancellationToken)).PasswordRetention;
            // The history keeps retention − 1 previous passwords: with the current one, the last `retention` are refused.
            document.PasswordHistory = retention > 1
                ? [document.ToHistoryEntry(now), .. (document.PasswordHistory ?? []).Take(retention - 2)]
                : null;
            document.SetArgon2(await HashAsync(password, cancellationToken));
            document.Updater = updater;
            document.UpdatedAt = now;
        }

        if (username is not null && username != found.Id)
        {
            // A new username is a new document id: create it, then remove the old one.
            try
            {
                await _store.PutAsync(UsersCollection, username, document.Write(), StrategyDocument.Absent, cancellationToken);
            }
            catch (StrategyStoreConflictException)
            {
                throw LocalErrors.LoginUsed(username);
            }

            await _store.DeleteAsync(UsersCollection, found.Id, null, cancellationToken);
            return Output(username, document.Kuid);
        }

        await _store.PutAsync(UsersCollection, found.Id, document.Write(), found.Version, cancellationToken);
        return Output(found.Id, document.Kuid);
    }

    /// <summary>
    /// <c>requirePassword</c>: through the <c>auth</c> controller, changing or deleting one's credentials needs the current
    /// password in <c>body.currentPassword</c> (or, deprecated, the <c>password</c> argument).
    /// </summary>
    private async ValueTask RequirePasswordAsync(StrategyCallContext context, StrategyDocument? found, CancellationToken cancellationToken)
    {
        if (!_options.RequirePassword || context.Controller != "auth")
        {
            return;
        }

        var current = Truthy(context.Body, "currentPassword")
            ? (context.Body.GetProperty("currentPassword").ValueKind == JsonValueKind.String ? context.Body.GetProperty("currentPassword").GetString() : null)
            : context.Arguments.TryGetValue("password", out var argument) && argument.ValueKind == JsonValueKind.String ? argument.GetString() : null;
        if (string.IsNullOrEmpty(current))
        {
            throw LocalErrors.CurrentPasswordRequired();
        }

        var document = found is null ? null : LocalCredentialDocument.Read(found.Source);
        if (!await VerifyPasswordAsync(current, document, cancellationToken) || document is null)
        {
            throw LocalErrors.InvalidCurrentPassword();
        }
    }

    private async ValueTask<StrategyDocument?> FindByKuidAsync(string kuid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kuid);
        var hits = await _store.FindAsync(UsersCollection, "kuid", kuid, 1, cancellationToken);
        return hits.Count == 0 ? null : hits[0];
    }

    /// <summary>
    /// A password hash imported from Kuzzle (kuzzle-plugin-auth-passport-local's <c>userPassword</c>, <c>userSalt</c>,
    /// <c>algorithm</c>, <c>stretching</c>, <c>encryption</c>) given instead of a password, or null when there is none. Only the
    /// <c>security</c> controller takes one: whoever may set a user's credentials may set them from a hash, but nobody imports a
    /// hash for themselves (that would skip the password policies).
    /// </summary>
    private StoredPassword? ImportedHash(StrategyCallContext context, JsonElement credentials)
    {
        if (credentials.ValueKind != JsonValueKind.Object || !credentials.TryGetProperty("userPassword", out var hash))
        {
            return null;
        }

        if (context.Controller != "security")
        {
            throw new StrategyException(400, "A password hash can only be imported through the security controller.");
        }

        string? Optional(string name, Func<string, bool> valid, string expected)
        {
            if (!credentials.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String && valid(value.GetString()!)
                ? value.GetString()
                : throw new StrategyException(400, $"Invalid imported password hash: \"{name}\" must be {expected}.");
        }

        if (hash.ValueKind != JsonValueKind.String || hash.GetString()!.Length == 0)
        {
            throw new StrategyException(400, "Invalid imported password hash: \"userPassword\" must be a non-empty string.");
        }

        bool? stretching = null;
        if (credentials.TryGetProperty("stretching", out var stretch) && stretch.ValueKind != JsonValueKind.Null)
        {
            stretching = stretch.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? stretch.GetBoolean()
                : throw new StrategyException(400, "Invalid imported password hash: \"stretching\" must be a boolean.");
        }

        return new StoredPassword
        {
            UserPassword = hash.GetString(),
            UserSalt = Optional("userSalt", _ => true, "a string") ?? "",
            Algorithm = Optional("algorithm", Hashing.LegacyKuzzleHash.IsKuzzleAlgorithm, "one of Kuzzle's hash algorithms") ?? _options.LegacyAlgorithm,
            Stretching = stretching ?? false,
            Encryption = Optional("encryption", e => e is "hmac" or "hash", "\"hmac\" or \"hash\"") ?? "hmac",
        };
    }

    /// <summary>A credential field as a non-empty string, else null (the plugin tests fields for truthiness).</summary>
    private static string? Text(JsonElement credentials, string name) =>
        credentials.ValueKind == JsonValueKind.Object && credentials.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
            ? value.GetString()
            : null;

    private static bool Truthy(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && PasswordPolicy.IsTruthy(value);
}
