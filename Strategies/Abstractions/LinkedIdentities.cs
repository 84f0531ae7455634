using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Strategies;

/// <summary>
/// The credentials of strategies backed by an external identity (OAuth/OpenID Connect subject, LDAP account): one
/// document per identity in the strategy's <c>users</c> collection, id = the identity's identifier,
/// <c>{"kuid", "identifier", …persisted attributes}</c>. One identity belongs to at most one user and a user has at most
/// one identity per strategy. Also provisions a Kuzzle user on the first login of an unknown identity.
/// </summary>
public sealed class LinkedIdentities
{
    /// <summary>The collection holding the identity documents.</summary>
    public const string Collection = "users";

    private readonly string _strategy;
    private readonly IStrategyCredentialStore _store;
    private readonly IStrategyUserDirectory? _users;

    /// <summary>Creates the helper for one strategy.</summary>
    public LinkedIdentities(StrategyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _strategy = context.Name;
        _store = context.Store;
        _users = context.Users;
    }

    /// <summary>The user linked to an identity, or null.</summary>
    public async ValueTask<string?> FindKuidAsync(string identifier, CancellationToken cancellationToken) =>
        await _store.GetAsync(Collection, identifier, cancellationToken) is { } doc ? Kuid(doc) : null;

    /// <summary>The identity document of a user, or null.</summary>
    public async ValueTask<StrategyDocument?> FindByKuidAsync(string kuid, CancellationToken cancellationToken)
    {
        var found = await _store.FindAsync(Collection, "kuid", kuid, 1, cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    /// <summary>A strategy's <c>getInfo</c>: the user's identity described, or the 412 Kuzzle's plugins give when there is none.</summary>
    public async ValueTask<JsonObject> DescribeByKuidAsync(string kuid, CancellationToken cancellationToken) =>
        await FindByKuidAsync(kuid, cancellationToken) is { } doc
            ? Describe(doc)
            : throw new StrategyException(412, $"No credentials found for user \"{kuid}\".");

    /// <summary>
    /// The user of a logged-in identity: the linked one, or a new user (with <paramref name="profileIds"/>) linked to it
    /// when <paramref name="autoCreate"/>; null when the identity is unknown and auto-creation is off.
    /// </summary>
    public async ValueTask<string?> ResolveOrProvisionAsync(
        string identifier, JsonObject attributes, bool autoCreate, IReadOnlyList<string> profileIds, CancellationToken cancellationToken)
    {
        if (await FindKuidAsync(identifier, cancellationToken) is { } known)
        {
            return known;
        }

        if (!autoCreate)
        {
            return null;
        }

        var users = _users ?? throw new StrategyException(500, $"Strategy \"{_strategy}\" cannot create users: the host provides no user directory.");
        var kuid = await users.CreateUserAsync(new StrategyNewUser(null, profileIds), cancellationToken);
        try
        {
            await WriteAsync(identifier, kuid, attributes, StrategyDocument.Absent, cancellationToken);
            return kuid;
        }
        catch (StrategyStoreConflictException)
        {
            // Two first logins of the same identity raced: the other one linked it; drop our user and use theirs.
            await users.DeleteProvisionedUserAsync(kuid, cancellationToken);
            return await FindKuidAsync(identifier, cancellationToken)
                ?? throw new StrategyException(409, $"The {_strategy} identity was linked and unlinked concurrently; try again.");
        }
    }

    /// <summary>Whether <paramref name="identifier"/> may be linked to <paramref name="kuid"/> (create) or become its new identity (update).</summary>
    /// <exception cref="StrategyException">412 when the identity belongs to another user, or (create) the user already has one.</exception>
    public async ValueTask CheckLinkableAsync(string identifier, string kuid, bool isUpdate, CancellationToken cancellationToken)
    {
        if (await FindKuidAsync(identifier, cancellationToken) is { } owner && owner != kuid)
        {
            throw new StrategyException(412, $"This {_strategy} identity is already linked to another user.");
        }

        if (!isUpdate && await FindByKuidAsync(kuid, cancellationToken) is not null)
        {
            throw new StrategyException(412, $"A strategy already exists for the user \"{kuid}\".");
        }
    }

    /// <summary>Links an identity to a user (create).</summary>
    public async ValueTask LinkAsync(string identifier, string kuid, JsonObject attributes, CancellationToken cancellationToken)
    {
        await CheckLinkableAsync(identifier, kuid, isUpdate: false, cancellationToken);
        try
        {
            await WriteAsync(identifier, kuid, attributes, StrategyDocument.Absent, cancellationToken);
        }
        catch (StrategyStoreConflictException)
        {
            throw new StrategyException(412, $"This {_strategy} identity is already linked to another user.");
        }
    }

    /// <summary>Replaces the user's identity and attributes (update); the old identity document goes when the identifier changes.</summary>
    public async ValueTask RelinkAsync(string identifier, string kuid, JsonObject attributes, CancellationToken cancellationToken)
    {
        var current = await FindByKuidAsync(kuid, cancellationToken)
            ?? throw new StrategyException(412, $"No credentials found for user \"{kuid}\".");
        await CheckLinkableAsync(identifier, kuid, isUpdate: true, cancellationToken);
        try
        {
            if (current.Id == identifier)
            {
                await WriteAsync(identifier, kuid, attributes, current.Version, cancellationToken);
                return;
            }

            await WriteAsync(identifier, kuid, attributes, StrategyDocument.Absent, cancellationToken);
            await _store.DeleteAsync(Collection, current.Id, current.Version, cancellationToken);
        }
        catch (StrategyStoreConflictException)
        {
            throw new StrategyException(409, $"The {_strategy} credentials of user \"{kuid}\" changed concurrently; try again.");
        }
    }

    /// <summary>Unlinks the user's identity.</summary>
    /// <exception cref="StrategyException">412 when the user has none.</exception>
    public async ValueTask UnlinkAsync(string kuid, CancellationToken cancellationToken)
    {
        var current = await FindByKuidAsync(kuid, cancellationToken)
            ?? throw new StrategyException(412, $"No credentials found for user \"{kuid}\".");
        await _store.DeleteAsync(Collection, current.Id, cancellationToken: cancellationToken);
    }

    /// <summary>The non-sensitive description of a stored identity: every stored field.</summary>
    public static JsonObject Describe(StrategyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return JsonObject.Create(document.Source) is { } obj ? (JsonObject)obj.DeepClone() : [];
    }

    private static string Kuid(StrategyDocument doc) =>
        doc.Source.TryGetProperty("kuid", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : throw new InvalidOperationException("Identity document without kuid.");

    private async ValueTask WriteAsync(string identifier, string kuid, JsonObject attributes, long expectedVersion, CancellationToken cancellationToken)
    {
        var source = (JsonObject)attributes.DeepClone();
        source["kuid"] = kuid;
        source["identifier"] = identifier;
        await _store.PutAsync(Collection, identifier, JsonSerializer.SerializeToElement(source, StrategyJsonContext.Default.JsonObject), expectedVersion, cancellationToken);
    }
}
