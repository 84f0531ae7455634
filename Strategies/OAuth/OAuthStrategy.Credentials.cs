using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kuzzle.Realtime.Strategies.OAuth;

/// <summary>Credential methods: linking a user to a provider identity (<c>createMyCredentials</c>, <c>security:createCredentials</c>).</summary>
internal sealed partial class OAuthStrategy
{
    // A user naming a provider identity proves nothing: linking it to one's own account (auth:createMyCredentials /
    // updateMyCredentials) would capture the victim's next provider login. Until linking goes through a provider authorization
    // started by the logged-in user, only administrators link identities (security:createCredentials / updateCredentials).
    private void RefuseUnprovenClaim(StrategyCallContext context, string? identifier)
    {
        if (identifier is not null && context.Controller == "auth")
        {
            throw new StrategyException(
                403, $"Linking a {Name} identity to one's own account needs proof from the provider; an administrator can link it (security:createCredentials).");
        }
    }

    public async ValueTask<bool> ExistsAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) =>
        await _identities.FindByKuidAsync(kuid, cancellationToken) is not null;

    public async ValueTask ValidateAsync(StrategyCallContext context, JsonElement credentials, string kuid, bool isUpdate, CancellationToken cancellationToken = default)
    {
        var identifier = IdentifierOf(credentials);
        RefuseUnprovenClaim(context, identifier);
        if (identifier is null)
        {
            if (!isUpdate)
            {
                throw new StrategyException(400, $"The credentials must contain \"{_options.IdentifierAttribute}\".");
            }

            return;
        }

        await _identities.CheckLinkableAsync(identifier, kuid, isUpdate, cancellationToken);
    }

    public async ValueTask<JsonObject> CreateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default)
    {
        var identifier = IdentifierOf(credentials) ?? throw new StrategyException(400, $"The credentials must contain \"{_options.IdentifierAttribute}\".");
        RefuseUnprovenClaim(context, identifier);
        await _identities.LinkAsync(identifier, kuid, Attributes(credentials), cancellationToken);
        return await GetInfoAsync(context, kuid, cancellationToken);
    }

    public async ValueTask<JsonObject> UpdateAsync(StrategyCallContext context, JsonElement credentials, string kuid, CancellationToken cancellationToken = default)
    {
        RefuseUnprovenClaim(context, IdentifierOf(credentials));
        var current = await _identities.FindByKuidAsync(kuid, cancellationToken)
            ?? throw new StrategyException(412, $"No credentials found for user \"{kuid}\".");
        var merged = LinkedIdentities.Describe(current);
        foreach (var (k, v) in Attributes(credentials))
        {
            merged[k] = v?.DeepClone();
        }

        merged.Remove("kuid");
        merged.Remove("identifier");
        await _identities.RelinkAsync(IdentifierOf(credentials) ?? current.Id, kuid, merged, cancellationToken);
        return await GetInfoAsync(context, kuid, cancellationToken);
    }

    public async ValueTask DeleteAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) =>
        await _identities.UnlinkAsync(kuid, cancellationToken);

    public async ValueTask<JsonObject> GetInfoAsync(StrategyCallContext context, string kuid, CancellationToken cancellationToken = default) =>
        await _identities.DescribeByKuidAsync(kuid, cancellationToken);

    public async ValueTask<JsonObject> GetByIdAsync(StrategyCallContext context, string strategyUserId, CancellationToken cancellationToken = default) =>
        await _context.Store.GetAsync(LinkedIdentities.Collection, strategyUserId, cancellationToken) is { } doc
            ? LinkedIdentities.Describe(doc)
            : throw new StrategyException(412, $"No credentials found for {Name} identity \"{strategyUserId}\".");

    private string? IdentifierOf(JsonElement credentials)
    {
        if (credentials.ValueKind != JsonValueKind.Object)
        {
            throw new StrategyException(400, "The credentials must be an object.");
        }

        if (credentials.TryGetProperty("kuid", out _))
        {
            throw new StrategyException(400, "kuid cannot be specified in credentials.");
        }

        return ProfileAttributes.Identifier(ProfileAttributes.Flatten(credentials.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value))), _options.IdentifierAttribute);
    }

    // Only the configured persisted attributes (already renamed in stored form) are kept from client-given credentials.
    private JsonObject Attributes(JsonElement credentials)
    {
        var allowed = _options.Persist.Select(p => _options.AttributesMapping.TryGetValue(p, out var m) ? m : p).ToHashSet(StringComparer.Ordinal);
        var result = new JsonObject();
        foreach (var p in credentials.EnumerateObject())
        {
            if (allowed.Contains(p.Name) && p.Name is not ("kuid" or "identifier"))
            {
                result[p.Name] = JsonNode.Parse(p.Value.GetRawText());
            }
        }

        return result;
    }
}
