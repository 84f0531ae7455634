using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Strategies.Ldap;

/// <summary>
/// Login against an LDAP directory: the search account finds the entry matching <c>searchFilter</c> for the username,
/// then a bind as that entry checks the password. The account (its DN) is linked to one Kuzzle user; an unknown
/// account creates one on first login (profiles from its groups, else <c>defaultProfiles</c>) when <c>autoCreate</c>.
/// Credentials (<c>createMyCredentials</c>, <c>security:createCredentials</c>): <c>{"username", "password"}</c>; the password
/// proves the account and is never stored. Stored and shown: <c>{"kuid", "username", "bindDN", "searchBase", "searchFilter"}</c>.
/// </summary>
internal sealed class LdapStrategy(StrategyContext strategyContext, LdapOptions options, DirectoryClient directory) : IAuthenticationStrategy, IDisposable
{
    private const string WrongCredentials = "wrong username or password";
    private readonly LinkedIdentities _identities = new(strategyContext);
    private readonly string _absentDn = $"cn=kuzzle-absent-{Guid.NewGuid():N},{options.SearchBase}";

    public string Name => strategyContext.Name;

    public IReadOnlyList<string> Fields { get; } = ["username", "password"];

    public StrategyFeatures Features => StrategyFeatures.GetInfo | StrategyFeatures.GetById;

    public async ValueTask<StrategyVerifyResult> VerifyAsync(StrategyLoginRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var username = Field(request.Body, "username") ?? Argument(request, "username");
        var password = Field(request.Body, "password") ?? Argument(request, "password");

        // An empty password would make an LDAP "unauthenticated bind", which many directories accept: never try it.
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            return StrategyVerifyResult.Failure("Missing credentials");
        }

        if (await CheckAsync(username, password, cancellationToken) is not { } account)
        {
            return StrategyVerifyResult.Failure(WrongCredentials);
        }

        var kuid = await _identities.ResolveOrProvisionAsync(Identifier(account), Describe(username, account), options.AutoCreate, Profiles(account), cancellationToken);
        return kuid is null
            ? StrategyVerifyResult.Failure($"No user is linked to this {Name} account, and accounts are not created automatically.")
            : StrategyVerifyResult.Success(kuid);
    }

    public async ValueTask<bool> ExistsAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) =>
        await _identities.FindByKuidAsync(kuid, cancellationToken) is not null;

    public async ValueTask ValidateAsync(StrategyCallContext context, JsonElement credentials, string kuid, bool isUpdate, CancellationToken cancellationToken = default)
    {
        var (_, account) = await ProveAsync(credentials, cancellationToken);
        await _identities.CheckLinkableAsync(Identifier(account), kuid, isUpdate, cancellationToken);
    }

    public async ValueTask<JsonObject> CreateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default)
    {
        var (username, account) = await ProveAsync(credentials, cancellationToken);
        await _identities.LinkAsync(Identifier(account), kuid, Describe(username, account), cancellationToken);
        return await GetInfoAsync(context, kuid, cancellationToken);
    }

    public async ValueTask<JsonObject> UpdateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default)
    {
        var (username, account) = await ProveAsync(credentials, cancellationToken);
        await _identities.RelinkAsync(Identifier(account), kuid, Describe(username, account), cancellationToken);
        return await GetInfoAsync(context, kuid, cancellationToken);
    }

    public async ValueTask DeleteAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) =>
        await _identities.UnlinkAsync(kuid, cancellationToken);

    public async ValueTask<JsonObject> GetInfoAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) =>
        await _identities.DescribeByKuidAsync(kuid, cancellationToken);

    public async ValueTask<JsonObject> GetByIdAsync(StrategyCallContext context, string strategyUserId, CancellationToken cancellationToken = default) =>
        await strategyContext.Store.GetAsync(LinkedIdentities.Collection, strategyUserId.ToLowerInvariant(), cancellationToken) is { } doc
            ? LinkedIdentities.Describe(doc)
            : throw new StrategyException(412, $"No credentials found for {Name} account \"{strategyUserId}\".");

    public void Dispose() => directory.Dispose();

    // DNs compare case-insensitively in practice (attribute types and most naming attributes): one form per account.
    private static string Identifier(DirectoryAccount account) => account.Dn.ToLowerInvariant();

    private JsonObject Describe(string username, DirectoryAccount account)
    {
        var attributes = new JsonObject
        {
            ["username"] = username,
            ["bindDN"] = account.Dn,
            ["searchBase"] = options.SearchBase,
            ["searchFilter"] = options.SearchFilter,
        };
        foreach (var (name, value) in account.Attributes)
        {
            attributes.TryAdd(name, value);
        }

        return attributes;
    }

    private IReadOnlyList<string> Profiles(DirectoryAccount account)
    {
        var profiles = new List<string>();
        foreach (var group in account.Groups)
        {
            var cn = group.Split(',', 2)[0] is var rdn && rdn.StartsWith("cn=", StringComparison.OrdinalIgnoreCase) ? rdn[3..] : null;
            if (options.GroupProfiles.TryGetValue(group, out var byDn))
            {
                profiles.AddRange(byDn);
            }
            else if (cn is not null && options.GroupProfiles.TryGetValue(cn, out var byCn))
            {
                profiles.AddRange(byCn);
            }
        }

        return profiles.Count > 0 ? [.. profiles.Distinct(StringComparer.Ordinal)] : options.DefaultProfiles;
    }

    // Linking an account needs its password, so nobody can claim a directory account they cannot log in with.
    private async ValueTask<(string Username, DirectoryAccount Account)> ProveAsync(JsonElement credentials, CancellationToken cancellationToken)
    {
        if (credentials.ValueKind != JsonValueKind.Object)
        {
            throw new StrategyException(400, "The credentials must be an object.");
        }

        if (credentials.TryGetProperty("kuid", out _))
        {
            throw new StrategyException(400, "kuid cannot be specified in credentials.");
        }

        var username = Field(credentials, "username") ?? throw new StrategyException(400, "Username required.");
        var password = Field(credentials, "password") ?? throw new StrategyException(400, "Password required.");
        var account = await CheckAsync(username, password, cancellationToken)
            ?? throw new StrategyException(401, "Invalid directory username or password.");
        return (username, account);
    }

    // WARNING: an unknown username costs a bind too (to a DN that cannot exist, which the directory refuses like a wrong
    // password), so the time of the answer does not tell which usernames exist.
    private async ValueTask<DirectoryAccount?> CheckAsync(string username, string password, CancellationToken cancellationToken)
    {
        var account = await directory.FindAsync(username, options.Persist, cancellationToken);
        if (account is not null)
        {
            return await directory.CheckPasswordAsync(account.Dn, password, cancellationToken) ? account : null;
        }

        try
        {
            await directory.CheckPasswordAsync(_absentDn, password, cancellationToken);
        }
        catch (StrategyException)
        {
            // A directory that answers this bind otherwise than "invalid credentials": the user is unknown all the same.
        }

        return null;
    }

    private static string? Field(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 1024 } s ? s : null;

    private static string? Argument(StrategyLoginRequest request, string name) =>
        request.Arguments.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 1024 } s ? s : null;
}
