using System.Text.Json;

namespace Kuzzle.Realtime.Security;

/// <summary>
/// A Kuzzle user (security.md §1.1): its kuid, its profiles and its content (the stored object: <c>profileIds</c>
/// plus free keys such as <c>fullname</c>, all at the same level). Credentials are never part of it.
/// </summary>
public sealed class User
{
    /// <summary>Builds a user from validated values. <paramref name="content"/> defaults to <c>{"profileIds":[…]}</c>.</summary>
    public User(string kuid, IReadOnlyList<string> profileIds, JsonElement? content = null)
    {
        ArgumentNullException.ThrowIfNull(kuid);
        ArgumentNullException.ThrowIfNull(profileIds);
        Kuid = kuid;
        ProfileIds = profileIds;
        Content = content?.Clone() ?? JsonSerializer.SerializeToElement(
            new Dictionary<string, object> { ["profileIds"] = profileIds });
    }

    public string Kuid { get; }

    public IReadOnlyList<string> ProfileIds { get; }

    /// <summary>The stored user object as <c>_source</c> shows it (without <c>_kuzzle_info</c> unless given).</summary>
    public JsonElement Content { get; }

    /// <summary>Whether this is the anonymous user (kuid <c>-1</c>).</summary>
    public bool IsAnonymous => Kuid == BuiltInSecurity.AnonymousKuid;

    /// <summary>
    /// Parses and validates user content. Order: <c>profileIds</c> shape (api.assert.missing_argument /
    /// invalid_type), empty list (security.user.no_profile), the anonymous user's profile
    /// (security.user.anonymous_profile_required), profile existence (security.profile.not_found).
    /// </summary>
    /// <param name="kuid">User id.</param>
    /// <param name="content">The user content object.</param>
    /// <param name="profileExists">Tells whether a profile id exists; <c>null</c> skips the check.</param>
    /// <param name="profileIdsArgument">
    /// Argument name used in api.assert placeholders (e.g. <c>body.content.profileIds</c> for createUser).
    /// </param>
    /// <exception cref="SecurityValidationException">A rule is broken.</exception>
    public static User Parse(
        string kuid,
        JsonElement content,
        Func<string, bool>? profileExists = null,
        string profileIdsArgument = "profileIds")
    {
        ArgumentNullException.ThrowIfNull(kuid);
        JsonObjects.RequireObjectBody(content);
        JsonObjects.TryGet(content, "profileIds", out var value);
        if (JsonObjects.IsNullish(value))
        {
            throw new SecurityValidationException(SecurityErrorIds.MissingArgument, profileIdsArgument);
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new SecurityValidationException(SecurityErrorIds.InvalidType, profileIdsArgument, "array");
        }

        var profileIds = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new SecurityValidationException(SecurityErrorIds.InvalidType, profileIdsArgument, "string[]");
            }

            profileIds.Add(item.GetString()!);
        }

        if (profileIds.Count == 0)
        {
            throw new SecurityValidationException(SecurityErrorIds.UserNoProfile, kuid);
        }

        if (kuid == BuiltInSecurity.AnonymousKuid && !profileIds.Contains(BuiltInSecurity.AnonymousId))
        {
            throw new SecurityValidationException(SecurityErrorIds.UserAnonymousProfileRequired);
        }

        if (profileExists is not null)
        {
            foreach (var profileId in profileIds)
            {
                if (!profileExists(profileId))
                {
                    throw new SecurityValidationException(SecurityErrorIds.ProfileNotFound, profileId);
                }
            }
        }

        return new User(kuid, profileIds, content);
    }
}
